using Fillwise.Domain.Values;
using Fillwise.Engine.Strategies;

namespace Fillwise.App.Configuration;

/// <summary>The whale follower's settings (`Whales:*`, `Exits:*`) as the strategy's options.</summary>
public static class WhaleSettings
{
    public static bool Wanted(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return (settings.Get("Engine:Strategy") ?? "none").Split(',', StringSplitOptions.TrimEntries).Contains(WhaleFollower.StrategyName, StringComparer.Ordinal);
    }

    public static WhaleOptions Options(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new WhaleOptions
        {
            MinNotional = Money.FromDollars(settings.Decimal("Whales:MinNotionalDollars")),
            MaxAge = settings.Seconds("Whales:MaxAgeSeconds"),
            ContractsPerFollow = Quantity.Of(settings.Decimal("Whales:ContractsPerFollow")),
            ShareOfWhalePercent = settings.Decimal("Whales:ShareOfWhalePercent"),
            PriceOffset = settings.Decimal("Whales:PriceOffsetCents") / 100m,
            MaxPrice = Price.Of(settings.Decimal("Whales:MaxPrice")),
            StopLossDistance = settings.Decimal("Exits:StopLossCents") / 100m,
            TakeProfitDistance = settings.Decimal("Exits:TakeProfitCents") / 100m,
        };
    }
}
