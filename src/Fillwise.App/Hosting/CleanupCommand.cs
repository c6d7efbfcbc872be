using System.Text.Json.Nodes;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

/// <summary>
/// `fillwise cleanup`: every resting order of the account canceled, with no engine and no journal
/// involved (for a person who wants the account quiet now). Positions are left alone.
/// </summary>
public static class CleanupCommand
{
    public static async Task<int> RunAsync(KalshiEnvironment environment, string keyId, string keyPath, TextWriter output, TextWriter error, CancellationToken ct)
    {
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
        await using var connection = KalshiConnection.Create(environment, signer, time);
        var sweep = await new RestingOrderSweep(new VenueRegistry([connection.Connection]), tracker: null, time).SweepAsync(ct);
        await output.WriteLineAsync(new JsonObject { ["canceled"] = sweep.Canceled, ["errors"] = sweep.Errors, ["note"] = sweep.Note }.ToJsonString());
        return sweep.Errors == 0 ? Cli.ExitCodes.Ok : Cli.ExitCodes.Error;
    }
}
