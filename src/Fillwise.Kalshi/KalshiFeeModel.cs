using Fillwise.Domain.Values;

namespace Fillwise.Domain.Fees;

/// <summary>Kalshi series fee types (Series.fee_type).</summary>
public enum KalshiFeeType
{
    /// <summary>Takers pay; makers do not.</summary>
    Quadratic,
    /// <summary>Takers pay 0.07, makers 0.0175 (a quarter).</summary>
    QuadraticWithMakerFees,
    /// <summary>Makers pay half the taker rate.</summary>
    QuadraticWithComboMakerFees,
}

/// <summary>
/// fee = ceil_to_0.0001(k x multiplier x C x P x (1 - P)); k = 0.07 for takers, and for makers
/// 0.0175 or 0.035 depending on the series. Cancels and settlement are free.
/// </summary>
public sealed record KalshiFeeModel(KalshiFeeType FeeType = KalshiFeeType.Quadratic, decimal Multiplier = 1m)
{
    public const decimal TakerRate = 0.07m;
    public const decimal MakerRate = 0.0175m;
    public const decimal ComboMakerRate = 0.035m;

    public static readonly KalshiFeeModel Default = new();

    public decimal Rate(bool isTaker) => isTaker
        ? TakerRate
        : FeeType switch
        {
            KalshiFeeType.QuadraticWithMakerFees => MakerRate,
            KalshiFeeType.QuadraticWithComboMakerFees => ComboMakerRate,
            _ => 0m,
        };

    public Money Fee(Contracts count, ContractPrice price, bool isTaker)
    {
        var raw = Rate(isTaker) * Multiplier * count.Value * price.Dollars * (1m - price.Dollars);
        // Kalshi rounds each trade's fee up to the next $0.0001.
        return Money.FromDollars(Math.Ceiling(raw * 10_000m) / 10_000m);
    }

    public static bool TryParseFeeType(string? text, out KalshiFeeType type)
    {
        switch (text)
        {
            case "quadratic": type = KalshiFeeType.Quadratic; return true;
            case "quadratic_with_maker_fees": type = KalshiFeeType.QuadraticWithMakerFees; return true;
            case "quadratic_with_combo_maker_fees": type = KalshiFeeType.QuadraticWithComboMakerFees; return true;
            default: type = default; return false;
        }
    }

    public static string ToWire(KalshiFeeType type) => type switch
    {
        KalshiFeeType.QuadraticWithMakerFees => "quadratic_with_maker_fees",
        KalshiFeeType.QuadraticWithComboMakerFees => "quadratic_with_combo_maker_fees",
        _ => "quadratic",
    };
}
