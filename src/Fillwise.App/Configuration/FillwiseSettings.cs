using System.Globalization;
using Fillwise.Domain.Values;
using Microsoft.Extensions.Configuration;

namespace Fillwise.App.Configuration;

/// <summary>A setting that is wrong: the start stops with this message, which names the setting.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message) : base(message) { }

    public SettingsException() { }

    public SettingsException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The settings in force, validated, from (weakest first) the defaults (a command's own, such as
/// paper's, over the schema's), <c>appsettings.json</c> in
/// the working directory or the <c>--config</c> file, <c>FILLWISE__Section__Key</c> environment
/// variables, then the command line's options.
/// </summary>
public sealed class FillwiseSettings
{
    private readonly Dictionary<string, string> _values;

    private FillwiseSettings(Dictionary<string, string> values, IReadOnlyList<string> notInForce)
    {
        _values = values;
        NotInForce = notInForce;
    }

    /// <summary>Settings given that this build accepts but does not act on yet (said at start, never silently).</summary>
    public IReadOnlyList<string> NotInForce { get; }

    public static FillwiseSettings Load(string? configFile, IReadOnlyDictionary<string, string?> commandLine, IDictionary<string, string?>? environment = null,
        IReadOnlyDictionary<string, string>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full)) throw new SettingsException($"--config: the file '{configFile}' does not exist");
            AddJson(builder, full, configFile);
        }
        else
        {
            var local = Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json");
            if (File.Exists(local)) AddJson(builder, local, "appsettings.json");
        }
        var env = environment ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var fromEnv = env.Where(e => e.Key.StartsWith("FILLWISE__", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(e => e.Key["FILLWISE__".Length..].Replace("__", ":", StringComparison.Ordinal), e => e.Value);
        builder.AddInMemoryCollection(fromEnv);
        builder.AddInMemoryCollection(commandLine.Where(kv => kv.Value is not null));
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new SettingsException($"the settings file is not valid JSON: {e.Message}", e);
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var notInForce = new List<string>();
        foreach (var (key, value) in root.AsEnumerable())
        {
            if (value is null) continue; // a section, not a value
            var def = SettingsSchema.Find(key) ?? throw new SettingsException($"unknown setting '{key}' (known: see docs/CONTRACTS.md §1)");
            // A secret's value is never echoed, not even when it is wrong.
            if (def.Validate(value) is { } problem) throw new SettingsException(def.Secret ? $"setting {def.Key}: the value given {problem}" : $"setting {def.Key}: '{value}' {problem}");
            values[def.Key] = value;
            if (!def.InForce && !string.Equals(value, def.Default, StringComparison.Ordinal)) notInForce.Add(def.Key);
        }
        foreach (var (key, value) in defaults ?? new Dictionary<string, string>())
        {
            var def = SettingsSchema.Find(key) ?? throw new ArgumentException($"unknown setting '{key}' among the command's defaults", nameof(defaults));
            if (def.Validate(value) is { } problem) throw new ArgumentException($"the command's default for {def.Key}, '{value}', {problem}", nameof(defaults));
            values.TryAdd(def.Key, value);
        }
        foreach (var def in SettingsSchema.All)
            if (!values.ContainsKey(def.Key) && def.Default is not null) values[def.Key] = def.Default;
        return new FillwiseSettings(values, notInForce);
    }

    private static void AddJson(ConfigurationBuilder builder, string path, string shown)
    {
        try
        {
            using var stream = File.OpenRead(path);
            System.Text.Json.JsonDocument.Parse(stream);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new SettingsException($"{shown} is not valid JSON: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new SettingsException($"{shown} cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SettingsException($"{shown} cannot be read: {e.Message}", e);
        }
        builder.AddJsonFile(path, optional: false, reloadOnChange: false);
    }

    /// <summary>These settings with <paramref name="overrides"/> on top, each checked against its rule (paper sets its own venues this way).</summary>
    public FillwiseSettings With(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var values = new Dictionary<string, string>(_values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides)
        {
            var def = SettingsSchema.Find(key) ?? throw new SettingsException($"unknown setting '{key}'");
            if (def.Validate(value) is { } problem) throw new SettingsException(def.Secret ? $"setting {def.Key}: the value given {problem}" : $"setting {def.Key}: '{value}' {problem}");
            values[def.Key] = value;
        }
        return new FillwiseSettings(values, NotInForce);
    }

    public string? Get(string key) => _values.GetValueOrDefault(key);

    public string Require(string key) => Get(key) ?? throw new SettingsException($"setting {key} is required");

    public int Int(string key) => int.Parse(Require(key), NumberStyles.None, CultureInfo.InvariantCulture);

    public bool Bool(string key) => bool.Parse(Require(key));

    public decimal Decimal(string key) => Money.Parse(Require(key)).Dollars;

    public TimeSpan Seconds(string key) => TimeSpan.FromTicks((long)(Decimal(key) * TimeSpan.TicksPerSecond));
}
