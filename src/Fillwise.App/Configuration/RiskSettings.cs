using System.Globalization;
using Fillwise.App.Alerts;
using Fillwise.App.Control;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;

namespace Fillwise.App.Configuration;

/// <summary>The risk side of the settings: pre-trade limits, the kill switch, alerts and /health, as the engine takes them.</summary>
public static class RiskSettings
{
    /// <summary>Adds the limits, the kill switch, the alerts and the reconciliation interval to <paramref name="options"/>.</summary>
    public static TradingEngineOptions Apply(FillwiseSettings settings, TradingEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            Risk = new RiskLimits
            {
                MaxOpenOrders = settings.Int("Risk:MaxOpenOrders"),
                MaxContractsPerMarket = Quantity.Of(settings.Decimal("Risk:MaxContractsPerMarket")),
                MaxPositions = settings.Int("Risk:MaxPositions"),
                MaxOrderCostPercentOfBalance = settings.Decimal("Risk:MaxOrderCostPercentOfBalance"),
                MaxPriceDeviationPercent = settings.Decimal("Risk:MaxPriceDeviationPercent"),
            },
            KillSwitch = new KillSwitchOptions
            {
                DailyLossLimit = OffWhenZero(settings.Decimal("Risk:DailyLossLimitDollars")) is { } loss ? Money.FromDollars(loss) : null,
                MaxConsecutiveLosses = OffWhenZero(settings.Int("Risk:MaxConsecutiveLosses")),
                MaxConsecutiveApiErrors = OffWhenZero(settings.Int("Risk:MaxConsecutiveApiErrors")),
                BalanceDropPercent = OffWhenZero(settings.Decimal("Risk:BalanceDropPercent")),
                HaltOnOrphans = settings.Bool("Risk:HaltOnOrphans"),
                HaltOnInsufficientFunds = settings.Bool("Risk:HaltOnInsufficientFunds"),
                FlattenOnKill = settings.Bool("Risk:FlattenOnKill"),
                DayStart = TimeOnly.ParseExact(settings.Require("Risk:DayStartUtc"), "HH:mm", CultureInfo.InvariantCulture).ToTimeSpan(),
                VenueBackstopContracts = OffWhenZero(settings.Decimal("Risk:VenueBackstopContracts")) is { } c ? Quantity.Of(c) : null,
            },
            Alerts = new AlertOptions { Trades = settings.Bool("Alerts:Trades") },
            Reconciliation = options.Reconciliation with { Interval = settings.Seconds("Reconciliation:IntervalSeconds") },
        };
    }

    /// <summary>Where alerts go besides the log: Discord and a JSON webhook, when their addresses are set.</summary>
    public static IReadOnlyList<IAlertSink> Sinks(FillwiseSettings settings, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sinks = new List<IAlertSink>();
        if (settings.Get("Alerts:DiscordWebhookUrl") is { } discord) sinks.Add(new DiscordWebhookSink(http, new Uri(discord)));
        if (settings.Get("Alerts:WebhookUrl") is { } hook) sinks.Add(new JsonWebhookSink(http, new Uri(hook)));
        return sinks;
    }

    public static HealthThresholds Health(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var unhealthy = settings.Int("Risk:MaxConsecutiveApiErrors");
        return new HealthThresholds(settings.Int("Health:DegradedAfterApiErrors"), unhealthy == 0 ? 10 : unhealthy);
    }

    private static int? OffWhenZero(int value) => value == 0 ? null : value;

    private static decimal? OffWhenZero(decimal value) => value == 0m ? null : value;
}
