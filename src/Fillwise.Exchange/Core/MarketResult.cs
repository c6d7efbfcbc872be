using System.Globalization;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core;

public enum MarketResultKind
{
    Yes,
    No,
    /// <summary>A scalar market's result: each YES contract pays <see cref="MarketResult.YesValue"/>, each NO the rest of $1.</summary>
    Scalar,
    /// <summary>The market is voided: every holder gets the cost of what it holds back.</summary>
    Void,
}

/// <summary>
/// What a determined market pays. A class with factories, so no default value can pass for a result.
/// Kalshi's settlement value is a whole number of cents per YES contract (the settlement record's
/// <c>value</c> is integer cents), so a scalar value is kept to whole cents.
/// </summary>
public sealed record MarketResult
{
    private MarketResult(MarketResultKind kind, decimal yesValue)
    {
        Kind = kind;
        YesValue = yesValue;
    }

    public static MarketResult Yes { get; } = new(MarketResultKind.Yes, 1m);

    public static MarketResult No { get; } = new(MarketResultKind.No, 0m);

    public static MarketResult Void { get; } = new(MarketResultKind.Void, 0m);

    public MarketResultKind Kind { get; }

    /// <summary>Dollars paid per YES contract (1 - this per NO); meaningless for a void.</summary>
    public decimal YesValue { get; }

    public bool IsVoid => Kind == MarketResultKind.Void;

    public static MarketResult Of(OutcomeSide side) => side == OutcomeSide.Yes ? Yes : No;

    /// <summary>A scalar settlement at <paramref name="yesValue"/> dollars per YES contract: 0.00 to 1.00 in whole cents.</summary>
    public static bool TryScalar(decimal yesValue, out MarketResult result, out string error)
    {
        result = Void;
        if (yesValue < 0m || yesValue > 1m || decimal.Round(yesValue, 2) != yesValue)
        {
            error = "settlement_value_dollars must be between 0.00 and 1.00 in whole cents";
            return false;
        }
        result = new MarketResult(MarketResultKind.Scalar, yesValue);
        error = string.Empty;
        return true;
    }

    /// <summary>The market's <c>result</c> field: yes, no, scalar; a void market has none ("").</summary>
    public string Wire => Kind switch
    {
        MarketResultKind.Yes => "yes",
        MarketResultKind.No => "no",
        MarketResultKind.Scalar => "scalar",
        _ => string.Empty,
    };

    /// <summary>settlement_value_dollars; null for a void (there is no one value per contract).</summary>
    public string? ValueDollars => IsVoid ? null : YesValue.ToString("0.0000", CultureInfo.InvariantCulture);

    public override string ToString() => Kind == MarketResultKind.Scalar ? $"scalar {ValueDollars}" : Kind.ToString().ToLowerInvariant();
}
