using System.Globalization;
using Fillwise.Domain.Values;

namespace Fillwise.App.Configuration;

/// <summary>One setting people rely on: its name, default, what it accepts, and whether it is in force yet.</summary>
/// <remarks>A <paramref name="Secret"/> setting's value (it may hold a password) is never repeated in a message.</remarks>
public sealed record SettingDefinition(string Key, string? Default, Func<string, string?> Validate, string Meaning, bool InForce = true, bool Secret = false);

/// <summary>
/// Every setting Fillwise reads (CONTRACTS.md §1), each with its default and its rule. A setting
/// that is not listed, or whose value breaks its rule, stops the start with a message that names it:
/// a typo is never silently replaced by a default.
/// </summary>
public static class SettingsSchema
{
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new("Control:Port", "5080", PortOrZero, "control API and dashboard port on 127.0.0.1 (0: a free port)"),
        new("Control:Token", null, NonEmpty, "control API token (default: generated into <data>/control-token)", Secret: true),
        new("Data:Directory", null, NonEmpty, "data folder: journal, control token"),
        new("Engine:Seed", "1", WholeNumber, "seed for every random source"),
        new("Engine:Strategy", "none", Strategy, "none, whale-follower, funding-arb (paper: whale-follower,funding-arb) ; funding-arb is the two-leg funding arbitrage across FundingArb:Venues; a comma list"),
        new("Engine:CancelRestingOnStop", "false", Boolean, "on a clean stop, cancel resting orders (else the next start follows them)"),
        new("Kalshi:Url", "kalshi-demo", NonEmpty, "kalshi, kalshi-demo, or a base URL such as http://127.0.0.1:9000/trade-api/v2"),
        new("Kalshi:KeyId", null, NonEmpty, "Kalshi API key id (or KALSHI_API_KEY_ID)"),
        new("Kalshi:PrivateKeyFile", null, NonEmpty, "PEM private key file (or KALSHI_PRIVATE_KEY_PATH)"),
        new("Kalshi:CancelOrdersOnPause", "false", Boolean, "send cancel_order_on_pause: Kalshi cancels our resting orders when trading pauses"),
        new("Kalshi:SignatureReuseMs", "0", SignatureReuse, "reuse a request signature of the same method and path this long (0: sign every request; Kalshi does not document reuse)"),
        new("Aster:Url", null, AsterUrl, "aster (production), or the futures REST base of a built-in venue such as http://127.0.0.1:9000/aster/fapi"),
        new("Aster:CredentialsFile", null, NonEmpty, "Aster credentials JSON: the built-in venue's admin answer, or real keys in the same shape"),
        new("Aster:WebSocketUrl", null, WebSocketUrl, "Aster WebSocket base (default: from Aster:Url)"),
        new("Lighter:Url", null, LighterUrl, "the REST base of a Lighter-like venue such as http://127.0.0.1:9000/lighter (real Lighter, 'lighter', is refused: its signer is not built)"),
        new("Lighter:CredentialsFile", null, NonEmpty, "Lighter credentials JSON: the built-in venue's admin answer ({account_index, api_key_index, private_key, chain_id?})"),
        new("Lighter:WebSocketUrl", null, WebSocketUrl, "Lighter stream URL (default: from Lighter:Url, + /stream)"),
        new("Paper:ExchangePort", "0", PortOrZero, "built-in exchange port for paper (0: a free port)"),
        new("Paper:Duration", null, Duration, "how long paper runs, e.g. 90s (default: until stopped)"),
        new("Paper:Clock", "simulated", OneOf("simulated", "wall"), "simulated: exchange and engine share a clock moved only when both are idle, so one seed gives one run (latencies read 0); wall: the engine on the wall clock beside the agents (real latencies, no replay)"),
        new("Logging:Format", "console", OneOf("console", "json"), "console lines, or JSON lines"),
        new("Logging:Level", "Information", OneOf("Trace", "Debug", "Information", "Warning", "Error"), "least severe level written"),
        new("Confirmation:MinFillRatio", "0", Ratio, "keep a partial entry only if this share filled, else exit what filled"),
        new("Confirmation:EntryTimeoutSeconds", "30", PositiveSeconds, "cancel an entry's remainder after this"),
        new("Confirmation:ExitTimeoutSeconds", "5", PositiveSeconds, "cancel an exit's remainder after this"),
        new("Risk:MaxOrderQuantity", "100000", PositiveDecimal, "sanity bound: units one order may ask for"),
        new("Risk:MaxOrderNotional", "1000000", PositiveDecimal, "sanity bound: what one order may be worth at its limit"),
        new("Risk:MaxOpenOrders", "10", WholeNumber, "pre-trade: open orders at most"),
        new("Risk:MaxContractsPerMarket", "100", PositiveDecimal, "pre-trade: contracts held plus resting in one market"),
        new("Risk:MaxPositions", "3", WholeNumber, "pre-trade: open positions at most"),
        new("Risk:MaxOrderCostPercentOfBalance", "5", Percent, "pre-trade: one order's cost at most this share of the balance"),
        new("Risk:MaxPriceDeviationPercent", "10", PositiveDecimal, "pre-trade: a buy this far above the best ask (a sell below the bid) is refused"),
        new("Risk:DailyLossLimitDollars", "100", NonNegativeDecimal, "kill switch: realized + unrealized loss since the start of the trading day (0: off)"),
        new("Risk:MaxConsecutiveLosses", "4", WholeNumber, "kill switch: losing closed positions in a row (0: off)"),
        new("Risk:MaxConsecutiveApiErrors", "10", WholeNumber, "kill switch and /health unhealthy (0: off)"),
        new("Risk:BalanceDropPercent", "10", PercentOrZero, "kill switch: equity below the day's peak by this share (0: off)"),
        new("Risk:HaltOnOrphans", "true", Boolean, "kill switch: an orphan reconciliation could not adopt"),
        new("Risk:HaltOnInsufficientFunds", "true", Boolean, "kill switch: the venue refused an order for lack of money"),
        new("Risk:FlattenOnKill", "false", Boolean, "kill switch also exits every position"),
        new("Risk:DayStartUtc", "00:00", TimeOfDay, "the trading day starts at this time (UTC), for the daily loss"),
        new("Risk:VenueBackstopContracts", "1000", NonNegativeDecimal, "Kalshi order group armed at start: contracts over its rolling window (0: none)"),
        new("Health:DegradedAfterApiErrors", "3", WholeNumber, "/health is degraded after this many API errors in a row"),
        new("Reconciliation:IntervalSeconds", "60", PositiveSeconds, "periodic reconciliation pass"),
        new("Funding:PollSeconds", "30", PositiveSeconds, "perp venues: funding payments and rates read at least this often (and just after each settlement of a held instrument)"),
        new("Alerts:DiscordWebhookUrl", null, Url, "Discord webhook for alerts (a secret: never shown)", Secret: true),
        new("Alerts:WebhookUrl", null, Url, "generic JSON webhook for alerts (a secret: never shown)", Secret: true),
        new("Alerts:Trades", "true", Boolean, "every entry and exit fill is an alert too"),
        new("Whales:MinNotionalDollars", "500", PositiveDecimal, "a trade at least this big is a whale"),
        new("Whales:MaxAgeSeconds", "120", PositiveSeconds, "whales older than this are skipped"),
        new("Whales:ContractsPerFollow", "5", PositiveDecimal, "contracts per follow"),
        new("Whales:ShareOfWhalePercent", "0", PercentOrZero, "when above 0, follow with this share of the whale's size instead"),
        new("Whales:PriceOffsetCents", "2", NonNegativeDecimal, "bid this far above the best bid"),
        new("Whales:MaxPrice", "0.95", UnitPrice, "never pay more than this"),
        new("Exits:StopLossCents", "10", NonNegativeDecimal, "follower's stop-loss distance (0: none)"),
        new("Exits:TakeProfitCents", "15", NonNegativeDecimal, "follower's take-profit distance (0: none; with no stop either, held to settlement)"),
        new("Journal:ConnectionString", null, JournalConnection, "none: SQLite in --data; Host=...: PostgreSQL, one schema per account", Secret: true),
        new("Arb:PassiveTimeoutSeconds", "15", PositiveSeconds, "two-leg: how long both legs rest post-only before the lagging one goes aggressive"),
        new("Arb:PassiveOffsetTicks", "0", WholeNumber, "two-leg: ticks from the own touch towards the other side for the passive price (never crossing)"),
        new("Arb:AggressiveTimeoutSeconds", "30", PositiveSeconds, "two-leg: budget of the limit rungs (break-even, inside, touch, cross) before the market order"),
        new("Arb:AttemptTimeoutSeconds", "3", PositiveSeconds, "two-leg: how long one aggressive limit order rests"),
        new("Arb:AttemptsPerRung", "2", PositiveWholeNumber, "two-leg: orders per limit rung"),
        new("Arb:CrossPercent", "0.1", NonNegativeDecimal, "two-leg: how far beyond the far touch the cross rung prices (percent)"),
        new("Arb:MarketAttempts", "3", PositiveWholeNumber, "two-leg: immediate-or-cancel orders at the bounded worst price"),
        new("Arb:MarketWorstPricePercent", "1", Percent, "two-leg: the market order's worst price beyond the far touch (percent)"),
        new("Arb:MaxSpreadPercent", "2", PositiveDecimal, "two-leg: spread guard before every limit order (percent of the mid; critical exits bypass it)"),
        new("Arb:CriticalReasons", "critical", ReasonList, "two-leg: close reasons that start aggressive and bypass the spread guard (comma list)"),
        new("FundingArb:Symbol", "ZEC", NonEmpty, "funding-arb: the base asset traded on both venues"),
        new("FundingArb:Venues", "aster,lighter", VenuePair, "funding-arb: the two venues (comma list)"),
        new("FundingArb:Quantity", "1", PositiveDecimal, "funding-arb: size of each leg, in the base asset"),
        new("FundingArb:CheckIntervalSeconds", "60", PositiveSeconds, "funding-arb: how often funding is read and a decision made"),
        new("FundingArb:HorizonHours", "24", PositiveDecimal, "funding-arb: hours of funding an open is expected to collect"),
        new("FundingArb:RoundTripFeesPercent", "0.11", NonNegativeDecimal, "funding-arb: entry and exit fees of both legs, percent of one leg's notional"),
        new("FundingArb:MinEdgePercent", "0.05", NonNegativeDecimal, "funding-arb: what the expected funding must leave after the fees (percent)"),
        new("FundingArb:ErosionPercent", "60", Percent, "funding-arb: close once the funding spread lost this share of its entry value"),
        new("FundingArb:MaxHoldHours", "168", PositiveDecimal, "funding-arb: close after holding this long"),
    ];

    private static readonly Dictionary<string, SettingDefinition> ByKey = All.ToDictionary(d => d.Key, StringComparer.OrdinalIgnoreCase);

    public static SettingDefinition? Find(string key) => ByKey.GetValueOrDefault(key);

    private static string? NonEmpty(string v) => string.IsNullOrWhiteSpace(v) ? "must not be empty" : null;

    private static string? Port(string v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535 ? null : "must be a port number 1..65535";

    private static string? PortOrZero(string v) => v == "0" ? null : Port(v);

    private static string? WholeNumber(string v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "must be a whole number of 0 or more";

    private static string? PositiveWholeNumber(string v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? null : "must be a whole number of 1 or more";

    private static string? ReasonList(string v) =>
        v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } reasons
        && reasons.All(Engine.Arbitrage.TwoLegText.CloseReasons.Contains)
            ? null : $"must be a comma list of close reasons ({string.Join(", ", Engine.Arbitrage.TwoLegText.CloseReasons)})";

    private static string? VenuePair(string v) =>
        v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: 2 } pair && pair[0] != pair[1]
            ? null : "must name two different venues, such as aster,lighter";

    /// <summary>0 to 4000 ms: Kalshi accepts a timestamp only seconds off its clock.</summary>
    private static string? SignatureReuse(string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 4000 ? null : "must be a whole number of milliseconds from 0 to 4000";

    private static string? Boolean(string v) => bool.TryParse(v, out _) ? null : "must be true or false";

    private static string? Strategy(string v)
    {
        var names = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var n in names)
            if (n is not ("none" or "whale-follower" or "funding-arb")) return $"'{n}' is not a strategy this build has (known: none, whale-follower, funding-arb)";
        return names.Length == 0 ? "must name a strategy" : null;
    }

    private static string? PositiveDecimal(string v) => Money.TryParse(v, out var m, out _) && m.Dollars > 0m ? null : "must be a plain decimal number above 0";

    private static string? NonNegativeDecimal(string v) => Money.TryParse(v, out var m, out _) && m.Dollars >= 0m ? null : "must be a plain decimal number of 0 or more";

    private static string? Ratio(string v) => Money.TryParse(v, out var m, out _) && m.Dollars is >= 0m and <= 1m ? null : "must be a number from 0 to 1";

    private static string? PercentOrZero(string v) => v == "0" ? null : Percent(v);

    private static string? TimeOfDay(string v) =>
        TimeOnly.TryParseExact(v, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "must be a time of day as HH:mm, such as 00:00 or 13:30";

    private static string? Percent(string v) => Money.TryParse(v, out var m, out _) && m.Dollars is > 0m and <= 100m ? null : "must be a percentage above 0 and at most 100";

    private static string? UnitPrice(string v) => ContractPriceValid(v) ? null : "must be a price between 0 and 1, such as 0.95";

    private static bool ContractPriceValid(string v) => Money.TryParse(v, out var m, out _) && m.Dollars is > 0m and < 1m;

    private static string? PositiveSeconds(string v) => Money.TryParse(v, out var m, out _) && m.Dollars > 0m && m.Dollars <= 86_400m ? null : "must be a number of seconds above 0 and at most 86400";

    private static string? Duration(string v) => Cli.FillwiseCommandLine.TryDuration(v, out _, out var why) ? null : why;

    private static string? Url(string v) => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? null : "must be an http(s) URL";

    private static string? AsterUrl(string v) => Venues.Aster.AsterEndpoints.TryParse(v, null, out _, out var why) ? null : why;

    private static string? LighterUrl(string v) => Venues.Lighter.LighterEndpoints.TryParse(v, null, out _, out var why) ? null : why;

    private static string? WebSocketUrl(string v) => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme is "ws" or "wss" ? null : "must be a ws:// or wss:// URL";

    private static string? JournalConnection(string v) =>
        string.IsNullOrWhiteSpace(v) ? null
        : Fillwise.Storage.Postgres.PostgresLocation.Problem(v) is { } problem ? problem + " (leave it empty for SQLite in the data folder)" : null;

    private static Func<string, string?> OneOf(params string[] values) =>
        v => values.Contains(v, StringComparer.Ordinal) ? null : $"must be one of {string.Join(", ", values)}";
}
