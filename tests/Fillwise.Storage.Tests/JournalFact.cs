using Fillwise.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fillwise.Storage.Tests;

/// <summary>Marks a test class whose tests need the PostgreSQL test database (see <see cref="PostgresTestDatabase"/>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A fact that runs on whichever database its class is for: a contract test written once in an
/// abstract class runs in each database's subclass, and skips (loudly, locally only) in a
/// <see cref="RequiresPostgresAttribute"/> class when there is no PostgreSQL.
/// </summary>
[XunitTestCaseDiscoverer("Fillwise.Storage.Tests.JournalFactDiscoverer", "Fillwise.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class JournalFactAttribute : FactAttribute;

public sealed class JournalFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && PostgresTestDatabase.SkipReason is { } reason)
            return [new SkippedTestCase(diagnostics, display, displayOptions, testMethod, reason)];
        return [new XunitTestCase(diagnostics, display, displayOptions, testMethod)];
    }
}

public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = string.Empty;

    [Obsolete("Called by the de-serializer", error: true)]
    public SkippedTestCase() { }

    public SkippedTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod, string reason)
        : base(diagnostics, display, displayOptions, testMethod) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }
}
