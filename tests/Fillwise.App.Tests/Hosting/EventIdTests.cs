using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Tests.Hosting;

/// <summary>An event id names one kind of line across the whole app: alerts and log searches key on it.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void Every_event_id_the_app_declares_is_its_own()
    {
        var assemblies = new[]
        {
            typeof(Fillwise.App.Hosting.JournalFactory).Assembly,
            typeof(Fillwise.Engine.TradingEngine).Assembly,
            typeof(Fillwise.Storage.SqliteJournal).Assembly,
            typeof(Fillwise.Storage.Postgres.PostgresJournal).Assembly,
        };
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var declared = new List<(int Id, string Where)>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            foreach (var method in type.GetMethods(All))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                    declared.Add((message.EventId, $"{type.Name}.{method.Name}"));
            }
            foreach (var field in type.GetFields(All).Where(f => f.IsStatic && f.FieldType == typeof(EventId) && !f.DeclaringType!.IsGenericTypeDefinition))
                declared.Add((((EventId)field.GetValue(null)!).Id, $"{type.Name}.{field.Name}"));
        }

        Assert.NotEmpty(declared);
        var shared = declared.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Where))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
        // Both kinds are seen: the engine's generated lines and the storage ids the app declares as fields.
        Assert.Contains(declared, d => d.Id == 4100);
        Assert.Contains(declared, d => d.Id == 6001);
    }
}
