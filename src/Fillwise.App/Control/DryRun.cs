using System.Text.Json.Nodes;
using Fillwise.Engine;
using Fillwise.Engine.Journal;

namespace Fillwise.App.Control;

/// <summary>
/// A live engine's dry run: real trading off. While it is on, a trading block halts every new order
/// (exits and cancels still go, as in any halt), so nothing new reaches the venue. Turning it on is
/// one step; turning real trading back on needs the word <see cref="ConfirmWord"/>. Journaled: a
/// restart keeps a dry run on until a person turns it off.
/// </summary>
public static class DryRun
{
    /// <summary>The word a request must carry to turn real trading on.</summary>
    public const string ConfirmWord = "LIVE";
    private const string Block = "dry_run";
    private const string Reason = "dry run: real trading is off (a person turns it on from the dashboard or POST /api/v1/dry-run)";
    private static readonly MetadataOwner Owner = MetadataOwner.Engine("dry_run");

    public static bool IsOn(TradingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Trading.IsBlocked(Block);
    }

    public static void Set(TradingEngine engine, bool on)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (on) engine.Trading.Block(Block, Reason);
        else engine.Trading.Unblock(Block);
        var saved = new JsonObject { ["on"] = on }.ToJsonString();
        engine.Recorder.Enqueue((j, ct) => j.SetMetadataAsync(Owner, "state", saved, ct));
    }

    /// <summary>Puts back a dry run the last run left on (before anything trades).</summary>
    public static async Task RestoreAsync(TradingEngine engine, IJournal journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(journal);
        var saved = await journal.GetMetadataAsync(Owner, cancellationToken);
        if (saved.TryGetValue("state", out var json) && JsonNode.Parse(json) is JsonObject o && o["on"]?.GetValue<bool>() == true)
            engine.Trading.Block(Block, Reason);
    }
}
