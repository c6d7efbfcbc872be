using System.Net.Http.Headers;
using System.Text.Json;
using Fillwise.App.Control;
using Fillwise.Domain.Orders;
using Fillwise.Testing;
using Xunit.Abstractions;

namespace Fillwise.App.Tests.Control.Fuzz;

/// <summary>
/// The control API of a real engine trading the built-in exchange over loopback: random and boundary
/// requests to every POST endpoint (and the GETs that read a query), malformed JSON, bytes that are
/// not UTF-8, lone surrogates, huge numbers. After each request: never a 5xx, never the token in an
/// answer, a 400 names its problem, and a refused request (4xx, or an order denied before sending)
/// changed nothing: no intent journaled, no order on the venue, the kill switch, dry run and trading
/// state as they were. At the end of a session every order on the venue is one the journal knows,
/// and none of the engine's entries still rests once its timeout has passed.
/// </summary>
public sealed class ControlApiFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Random_and_boundary_requests_never_get_a_5xx_and_a_refused_one_changes_nothing()
    {
        var totals = new ControlFuzzSession.Totals();
        await FuzzRun.RunAsync("control api fuzz", baseSeed: 1_717, sessions: 4, async (random, seed) =>
        {
            await using var world = await ControlFuzzWorld.StartAsync(seed, fillTimeout: TimeSpan.FromMilliseconds(100));
            await new ControlFuzzSession(world, new FuzzPicks(random), totals).RunAsync(requests: 375);
        });
        output.WriteLine($"{totals.Requests} requests: {string.Join(", ", totals.ByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}; " +
            $"{totals.OrdersSent} orders reached the venue; outcomes {string.Join(", ", totals.ByOutcome.OrderBy(o => o.Key).Select(o => $"{o.Key} x{o.Value}"))}");
        Assert.True(totals.Requests >= 1_500, $"{totals.Requests} requests");
        Assert.True(totals.ByStatus.GetValueOrDefault(400) > 500, "the hostile half should be refused");
        Assert.True(totals.ByStatus.GetValueOrDefault(200) > 200, "the sane half should be answered");
        Assert.True(totals.OrdersSent > 50, $"{totals.OrdersSent} orders reached the venue");
    }
}

internal sealed class ControlFuzzSession(ControlFuzzWorld world, FuzzPicks v, ControlFuzzSession.Totals totals)
{
    internal sealed class Totals
    {
        public int Requests;
        public int OrdersSent;
        public Dictionary<int, int> ByStatus { get; } = [];
        public Dictionary<string, int> ByOutcome { get; } = [];
    }

    /// <summary>What a refused request must leave as it was (orders the exit monitor sends on its own are not counted).</summary>
    private sealed record State(int EntryIntents, int VenueOrders, bool Tripped, bool DryRun, string Trading, int ArbOperations);

    private readonly ControlRequests _requests = new(v);

    public async Task RunAsync(int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            if (i % 25 == 0) await LearnPositionsAsync();
            var request = _requests.Next();
            var before = Snapshot();
            var (status, body) = await SendAsync(request);
            totals.Requests++;
            totals.ByStatus[status] = totals.ByStatus.GetValueOrDefault(status) + 1;
            var after = Snapshot();
            var what = $"request {i}: {request}\n-> {status} {body}";

            Assert.True(status < 500, $"a 5xx: {what}");
            Assert.DoesNotContain(ControlFuzzWorld.Token, body, StringComparison.Ordinal);
            // Kestrel itself refuses a target with a NUL (%00) before any of our code runs, with an empty 400: still no change, still no 5xx.
            if (status == 400 && !request.Path.Contains("%00", StringComparison.Ordinal))
            {
                Assert.False(string.IsNullOrWhiteSpace(Field(body, "message")), $"a 400 without a message: {what}");
            }
            if (status >= 400 || Field(body, "outcome") == "denied")
                Assert.True(before == after, $"a refused request changed something: {before} -> {after}\n{what}");
            if (Field(body, "outcome") is { } outcome) totals.ByOutcome[outcome] = totals.ByOutcome.GetValueOrDefault(outcome) + 1;
            totals.OrdersSent += Math.Max(0, after.VenueOrders - before.VenueOrders);
        }
        await SettledAsync();
    }

    private async Task<(int Status, string Body)> SendAsync(ControlRequest request)
    {
        using var message = request.Authorized ? world.Authorized(request.Method, request.Path) : new HttpRequestMessage(request.Method, new Uri(request.Path, UriKind.Relative));
        if (request.Body is { } bytes)
        {
            message.Content = new ByteArrayContent(bytes);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await world.Http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private State Snapshot()
    {
        var intents = world.Journal.Intents;
        var exits = intents.Where(i => i.Purpose != OrderPurpose.Entry).Select(i => i.ClientOrderId.Value).ToHashSet(StringComparer.Ordinal);
        return new State(
            intents.Count(i => i.Purpose == OrderPurpose.Entry),
            world.VenueOrders().Count(o => o.ClientOrderId is null || !exits.Contains(o.ClientOrderId)),
            world.Engine.KillSwitch.Status().Tripped,
            DryRun.IsOn(world.Engine),
            world.Engine.Trading.Status.Mode.ToString(),
            world.Engine.ArbBook.All.Count);
    }

    /// <summary>A string field of a JSON object answer; null when the answer is not one or has no such field.</summary>
    private static string? Field(string body, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Position ids from GET /state, so closes sometimes name a real position.</summary>
    private async Task LearnPositionsAsync()
    {
        using var message = world.Authorized(HttpMethod.Get, "/api/v1/state");
        using var response = await world.Http.SendAsync(message);
        using var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        _requests.KnownPositions.Clear();
        foreach (var p in state.RootElement.GetProperty("positions").EnumerateArray())
            if (p.TryGetProperty("position_id", out var id) && id.GetString() is { } text) _requests.KnownPositions.Add(text);
    }

    /// <summary>Once every timeout has passed: nothing of ours rests forgotten, and the venue holds no order the journal does not know.</summary>
    private async Task SettledAsync()
    {
        var entries = new Func<IReadOnlyList<Exchange.Core.OrderView>>(() =>
        {
            var ids = world.Journal.Intents.Where(i => i.Purpose == OrderPurpose.Entry).Select(i => i.ClientOrderId.Value).ToHashSet(StringComparer.Ordinal);
            return [.. world.VenueOrders().Where(o => o.Status == VenueOrderStatus.Resting && o.ClientOrderId is { } c && ids.Contains(c))];
        });
        for (var i = 0; i < 100 && (entries().Count > 0 || world.Engine.Snapshot().OpenOrders.Count > 0); i++) await Task.Delay(50);
        Assert.True(entries().Count == 0, $"entries still resting after their timeout: {string.Join(", ", entries().Select(o => o.ClientOrderId))}");
        var known = world.Journal.Intents.Select(i => i.ClientOrderId.Value).ToHashSet(StringComparer.Ordinal);
        var strangers = world.VenueOrders().Where(o => o.ClientOrderId is null || !known.Contains(o.ClientOrderId)).ToList();
        Assert.True(strangers.Count == 0, $"orders on the venue the journal does not know: {string.Join(", ", strangers.Select(o => o.OrderId))}");
    }
}
