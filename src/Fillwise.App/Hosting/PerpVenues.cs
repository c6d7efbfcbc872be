using Fillwise.App.Configuration;
using Fillwise.Domain.Venues;
using Fillwise.Venues.Aster;

namespace Fillwise.App.Hosting;

/// <summary>
/// The perpetual-futures venues a run trades on beside Kalshi (CONTRACTS.md §1: --aster-url with
/// --aster-credentials; --lighter-url with --lighter-credentials): each one's settings checked
/// (errors name the setting, never a key), connected, and handed to the engine as a
/// <see cref="VenueConnection"/>. A venue whose URL is not set is simply not part of the run.
/// </summary>
public sealed class PerpVenues : IAsyncDisposable
{
    /// <summary>
    /// Every perp venue this build can connect to. To add one (Lighter): its settings in
    /// <see cref="SettingsSchema"/> (Lighter:Url, Lighter:CredentialsFile), its options on `run`
    /// (FillwiseCommandLine), and a line here whose Check and Connect work as Aster's do.
    /// </summary>
    private static readonly PerpVenueKind[] Kinds =
    [
        new("Aster", "--aster-url", "--aster-credentials", CheckAster, ConnectAster),
    ];

    private readonly List<PerpVenueHandle> _venues;

    private PerpVenues(List<PerpVenueHandle> venues) => _venues = venues;

    /// <summary>The connected venues' four ports, for the engine's registry.</summary>
    public IReadOnlyList<VenueConnection> Connections => _venues.Select(v => v.Connection).ToList();

    /// <summary>One line per venue for people to read (where, as whom; never a key).</summary>
    public IReadOnlyList<string> Descriptions => _venues.Select(v => v.Description).ToList();

    /// <summary>
    /// The first problem with the perp venue settings, with the exit code it calls for (2: a
    /// setting missing or malformed; 1: a credentials file that cannot be used, or production
    /// without --live); null when every configured venue can be connected.
    /// </summary>
    public static (string Problem, int ExitCode)? Check(FillwiseSettings settings, bool live)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var kind in Kinds)
        {
            var url = settings.Get(kind.Section + ":Url");
            var credentials = settings.Get(kind.Section + ":CredentialsFile");
            if (url is null && credentials is null) continue;
            if (url is null) return ($"{kind.CredentialsOption} ({kind.Section}:CredentialsFile) is set but {kind.UrlOption} ({kind.Section}:Url) is not", Cli.ExitCodes.Usage);
            if (credentials is null) return ($"{kind.UrlOption} ({kind.Section}:Url) needs {kind.CredentialsOption} ({kind.Section}:CredentialsFile)", Cli.ExitCodes.Usage);
            if (kind.Check(settings, live) is { } problem) return problem;
        }
        return null;
    }

    /// <summary>Builds a connection for every configured venue (not started). Throws <see cref="SettingsException"/> naming the setting when one cannot be built.</summary>
    public static PerpVenues Create(FillwiseSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var venues = new List<PerpVenueHandle>();
        try
        {
            foreach (var kind in Kinds)
                if (settings.Get(kind.Section + ":Url") is not null) venues.Add(kind.Connect(settings, time));
        }
        catch
        {
            foreach (var v in venues) v.Owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return new PerpVenues(venues);
    }

    /// <summary>Opens each venue's private stream (waiting a little for the first connection; an unreachable venue does not stop the start).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var v in _venues) await v.Start(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var v in Enumerable.Reverse(_venues)) await v.Owner.DisposeAsync();
        _venues.Clear();
    }

    private static (AsterEndpoints? Endpoints, string? Problem) AsterEndpointsOf(FillwiseSettings settings) =>
        AsterEndpoints.TryParse(settings.Get("Aster:Url"), settings.Get("Aster:WebSocketUrl"), out var endpoints, out var problem)
            ? (endpoints, null)
            : (null, $"--aster-url (Aster:Url): {problem}");

    private static (string, int)? CheckAster(FillwiseSettings settings, bool live)
    {
        var (endpoints, problem) = AsterEndpointsOf(settings);
        if (problem is not null) return (problem, Cli.ExitCodes.Usage);
        try
        {
            _ = AsterCredentials.Load(settings.Require("Aster:CredentialsFile"));
        }
        catch (AsterCredentialsException e)
        {
            return ($"--aster-credentials (Aster:CredentialsFile): {e.Message}", Cli.ExitCodes.Error);
        }
        if (endpoints!.IsProduction && !live) return ("refusing to trade on Aster production without --live", Cli.ExitCodes.Error);
        return null;
    }

    private static PerpVenueHandle ConnectAster(FillwiseSettings settings, TimeProvider time)
    {
        var (endpoints, problem) = AsterEndpointsOf(settings);
        if (problem is not null) throw new SettingsException(problem);
        AsterCredentials credentials;
        try
        {
            credentials = AsterCredentials.Load(settings.Require("Aster:CredentialsFile"));
        }
        catch (AsterCredentialsException e)
        {
            throw new SettingsException($"--aster-credentials (Aster:CredentialsFile): {e.Message}", e);
        }
        var connection = AsterConnection.Create(endpoints!.Options(time, settings.Int("Engine:Seed")), credentials);
        return new PerpVenueHandle(connection.Connection, ct => connection.StartAsync(ct), connection,
            $"Aster venue: {endpoints.Rest} (WebSocket {endpoints.WebSocket}) as {credentials.User}");
    }

    private sealed record PerpVenueKind(string Section, string UrlOption, string CredentialsOption,
        Func<FillwiseSettings, bool, (string, int)?> Check, Func<FillwiseSettings, TimeProvider, PerpVenueHandle> Connect);

    private sealed record PerpVenueHandle(VenueConnection Connection, Func<CancellationToken, Task> Start, IAsyncDisposable Owner, string Description);
}
