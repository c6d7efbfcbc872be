using Fillwise.App.Cli;
using Fillwise.App.Configuration;

namespace Fillwise.App.Tests.Cli;

public sealed class SettingsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-settings-" + Guid.NewGuid().ToString("N"));

    public SettingsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FillwiseSettings Load(string? file = null, Dictionary<string, string?>? env = null, Dictionary<string, string?>? cli = null) =>
        FillwiseSettings.Load(file, cli ?? [], env ?? []);

    [Fact]
    public void Defaults_come_from_the_contract()
    {
        var s = Load();
        Assert.Equal(5080, s.Int("Control:Port"));
        Assert.Equal(TimeSpan.FromSeconds(30), s.Seconds("Confirmation:EntryTimeoutSeconds"));
        Assert.Equal(TimeSpan.FromSeconds(5), s.Seconds("Confirmation:ExitTimeoutSeconds"));
        Assert.Equal(0m, s.Decimal("Confirmation:MinFillRatio"));
        // Kalshi opt-ins stay off until a person turns them on.
        Assert.Equal((false, 0), (s.Bool("Kalshi:CancelOrdersOnPause"), s.Int("Kalshi:SignatureReuseMs")));
        Assert.Empty(s.NotInForce);
    }

    [Fact]
    public void A_file_then_the_environment_then_the_command_line_each_override_the_one_before()
    {
        var file = Path.Combine(_dir, "settings.json");
        File.WriteAllText(file, """{"Confirmation":{"MinFillRatio":"0.8","EntryTimeoutSeconds":60},"Control":{"Port":6000}}""");
        var s = Load(file, env: new() { ["FILLWISE__Control__Port"] = "6001", ["PATH"] = "/bin" }, cli: new() { ["Control:Port"] = "6002", ["Data:Directory"] = null });
        Assert.Equal(0.8m, s.Decimal("Confirmation:MinFillRatio"));
        Assert.Equal(TimeSpan.FromSeconds(60), s.Seconds("Confirmation:EntryTimeoutSeconds"));
        Assert.Equal(6002, s.Int("Control:Port"));
    }

    [Theory]
    [InlineData("FILLWISE__Risk__MaxOpenOrder", "3", "unknown setting 'Risk:MaxOpenOrder'")]
    [InlineData("FILLWISE__Risk__MaxOpenOrders", "-1", "setting Risk:MaxOpenOrders: '-1'")]
    [InlineData("FILLWISE__Confirmation__MinFillRatio", "1.5", "setting Confirmation:MinFillRatio: '1.5'")]
    [InlineData("FILLWISE__Engine__Strategy", "martingale", "'martingale' is not a strategy")]
    [InlineData("FILLWISE__Logging__Format", "xml", "setting Logging:Format")]
    [InlineData("FILLWISE__Paper__Clock", "fast", "setting Paper:Clock: 'fast'")]
    [InlineData("FILLWISE__Kalshi__SignatureReuseMs", "5000", "setting Kalshi:SignatureReuseMs: '5000'")]
    [InlineData("FILLWISE__Journal__ConnectionString", "Host=db;Databse=fw", "setting Journal:ConnectionString: the value given is not a valid PostgreSQL connection string")]
    [InlineData("FILLWISE__Journal__ConnectionString", "Database=fw;Username=engine", "setting Journal:ConnectionString: the value given is a connection string without Host=")]
    public void A_wrong_setting_stops_the_start_with_its_name(string variable, string value, string named)
    {
        var e = Assert.Throws<SettingsException>(() => Load(env: new() { [variable] = value }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=db.internal;Port=5433;Database=fillwise;Username=engine;Password=pw")]
    [InlineData("Host=127.0.0.1;Database=fw;Passfile=/etc/fillwise/pgpass;SSL Mode=Require")]
    public void The_journal_connection_string_is_empty_for_sqlite_or_a_postgresql_one(string value)
    {
        var s = Load(env: new() { ["FILLWISE__Journal__ConnectionString"] = value });
        Assert.Equal(value, s.Get("Journal:ConnectionString"));
        Assert.Empty(s.NotInForce);
    }

    [Fact]
    public void A_wrong_journal_connection_string_is_named_but_never_repeated_with_its_password()
    {
        var e = Assert.Throws<SettingsException>(() => Load(env: new() { ["FILLWISE__Journal__ConnectionString"] = "Host=db;Password=Hunter2-Secret;Prot=5432" }));
        Assert.Contains("Journal:ConnectionString", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2-Secret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_settings_file_that_is_not_json_is_named()
    {
        var file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, "{ not json");
        var e = Assert.Throws<SettingsException>(() => Load(file));
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<SettingsException>(() => Load(Path.Combine(_dir, "nope.json")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_this_build_accepts_is_acted_on()
    {
        // A setting accepted but not acted on would be said at start (NotInForce); this build has none.
        var s = Load(env: new() { ["FILLWISE__Whales__MaxPrice"] = "0.9" });
        Assert.Empty(s.NotInForce);
        Assert.All(SettingsSchema.All, d => Assert.True(d.InForce, d.Key));
    }

    [Fact]
    public async Task The_command_line_refuses_a_wrong_setting_with_a_usage_error()
    {
        var file = Path.Combine(_dir, "s.json");
        File.WriteAllText(file, """{"Risk":{"MaxOrderQuantity":"-5"}}""");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(["paper", "--config", file, "--data", _dir], output, error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Risk:MaxOrderQuantity", error.ToString(), StringComparison.Ordinal);
    }
}
