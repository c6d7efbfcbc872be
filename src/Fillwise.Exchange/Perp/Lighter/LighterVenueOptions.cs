using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>Lighter's account tiers: fees and the transaction budget differ (perp-venues.md §4).</summary>
public enum LighterAccountTier
{
    /// <summary>No fees; about 60 transactions a minute.</summary>
    Standard,
    /// <summary>Maker 0.002 %, taker 0.02 %; 4,000 transactions a minute at the base stake.</summary>
    Premium,
}

/// <summary>Settings of the built-in Lighter-like venue.</summary>
public sealed record LighterVenueOptions
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public int Seed { get; init; } = 1;

    /// <summary>Fees and the default transaction budget of every account of this venue.</summary>
    public LighterAccountTier Tier { get; init; } = LighterAccountTier.Standard;

    /// <summary>sendTx calls per account per minute; null: the tier's (Standard 60, Premium 4,000).</summary>
    public int? TransactionsPerMinute { get; init; }

    /// <summary>
    /// How long after sendTx answers a transaction is executed (Lighter's predicted_execution_time_ms):
    /// acceptance is not execution; the order shows up, rests or fills only then.
    /// </summary>
    public TimeSpan ExecutionDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Transactions of one account accepted and not executed yet, at most (21506 beyond).</summary>
    public int MaxPendingTransactions { get; init; } = 64;

    /// <summary>Longest life of an auth token for private reads and account channels (Lighter: 8 h).</summary>
    public TimeSpan MaxAuthTokenLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The chain id signed into every transaction (Lighter mainnet: 304).</summary>
    public int ChainId { get; init; } = 304;

    public int MaxRequestBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Frames queued per WebSocket before it is cut as a slow consumer.</summary>
    public int WebSocketBufferCapacity { get; init; } = 8192;

    /// <summary>WebSocket ping frames.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    internal PerpVenueRules Rules => Tier == LighterAccountTier.Premium ? PerpVenueRules.LighterPremium : PerpVenueRules.Lighter;

    internal int Budget => TransactionsPerMinute ?? (Tier == LighterAccountTier.Premium ? 4000 : 60);

    public string? Validate()
    {
        if (TransactionsPerMinute is < 1) return "transactions per minute must be positive";
        if (ExecutionDelay < TimeSpan.Zero || ExecutionDelay > TimeSpan.FromMinutes(1)) return "execution delay must be 0..60 s";
        if (MaxPendingTransactions < 1) return "max pending transactions must be positive";
        if (MaxAuthTokenLifetime <= TimeSpan.Zero) return "auth token lifetime must be positive";
        return null;
    }
}
