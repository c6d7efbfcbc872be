using Fillwise.Domain.Values;
using Fillwise.Engine.Arbitrage;

namespace Fillwise.App.Configuration;

/// <summary>The two-leg executor's settings (`Arb:*`) and the funding-arb strategy's (`FundingArb:*`), as the engine takes them.</summary>
public static class ArbSettings
{
    public static TwoLegOptions TwoLeg(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new TwoLegOptions
        {
            PassiveTimeout = settings.Seconds("Arb:PassiveTimeoutSeconds"),
            PassiveOffsetTicks = settings.Int("Arb:PassiveOffsetTicks"),
            AggressiveTimeout = settings.Seconds("Arb:AggressiveTimeoutSeconds"),
            AttemptTimeout = settings.Seconds("Arb:AttemptTimeoutSeconds"),
            AttemptsPerRung = settings.Int("Arb:AttemptsPerRung"),
            CrossPercent = settings.Decimal("Arb:CrossPercent"),
            MarketAttempts = settings.Int("Arb:MarketAttempts"),
            MarketWorstPricePercent = settings.Decimal("Arb:MarketWorstPricePercent"),
            MaxSpreadPercent = settings.Decimal("Arb:MaxSpreadPercent"),
            CriticalReasons = List(settings.Require("Arb:CriticalReasons")).ToHashSet(StringComparer.Ordinal),
        };
    }

    public static FundingArbOptions FundingArb(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new FundingArbOptions
        {
            Symbol = settings.Require("FundingArb:Symbol"),
            Venues = List(settings.Require("FundingArb:Venues")),
            Quantity = Quantity.Of(settings.Decimal("FundingArb:Quantity")),
            CheckInterval = settings.Seconds("FundingArb:CheckIntervalSeconds"),
            HorizonHours = settings.Decimal("FundingArb:HorizonHours"),
            RoundTripFeesPercent = settings.Decimal("FundingArb:RoundTripFeesPercent"),
            MinEdgePercent = settings.Decimal("FundingArb:MinEdgePercent"),
            ErosionPercent = settings.Decimal("FundingArb:ErosionPercent"),
            MaxHold = TimeSpan.FromTicks((long)(settings.Decimal("FundingArb:MaxHoldHours") * TimeSpan.TicksPerHour)),
        };
    }

    /// <summary>Whether `--strategy` names the funding-arb strategy.</summary>
    public static bool RunsFundingArb(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return List(settings.Require("Engine:Strategy")).Contains("funding-arb");
    }

    private static List<string> List(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
