using System.Text.Json.Nodes;
using Fillwise.App.Configuration;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

/// <summary>
/// `fillwise cleanup`: every resting order of the account canceled on every venue (Kalshi, and the
/// perp venues configured as for `run`), in one sweep, with no engine and no journal involved (for
/// a person who wants the account quiet now). Positions are left alone. Prints one JSON line:
/// the totals (`canceled`, `errors`, `note`) and, under `venues`, each venue's count and failures.
/// </summary>
public static class CleanupCommand
{
    public static async Task<int> RunAsync(FillwiseSettings settings, KalshiEnvironment environment, string keyId, string keyPath, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var time = TimeProvider.System;
        KalshiRequestSigner signer;
        try
        {
            signer = KalshiRequestSigner.FromPemFile(keyId, keyPath, time);
        }
        catch (KalshiKeyException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }
        PerpVenues perps;
        try
        {
            perps = PerpVenues.Create(settings, time);
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }

        await using (perps)
        await using (var connection = KalshiConnection.Create(environment, signer, time))
        {
            // Only REST is needed: listing what rests and canceling it; no stream is opened.
            var sweep = await new RestingOrderSweep(new VenueRegistry([connection.Connection, .. perps.Connections]), tracker: null, time).SweepAsync(ct);
            await output.WriteLineAsync(Document(sweep).ToJsonString());
            return sweep.Errors == 0 ? Cli.ExitCodes.Ok : Cli.ExitCodes.Error;
        }
    }

    /// <summary>{"canceled":n,"errors":n,"note":"...","venues":{"kalshi":{"canceled":n,"errors":n,"details":["..."]},...}}</summary>
    internal static JsonObject Document(SweepResult sweep)
    {
        var venues = new JsonObject();
        foreach (var v in sweep.Venues)
            venues[v.Venue] = new JsonObject
            {
                ["canceled"] = v.Canceled,
                ["errors"] = v.Errors.Count,
                ["details"] = new JsonArray([.. v.Errors.Select(e => JsonValue.Create(e))]),
            };
        return new JsonObject { ["canceled"] = sweep.Canceled, ["errors"] = sweep.Errors, ["note"] = sweep.Note, ["venues"] = venues };
    }
}
