using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

/// <summary>
/// The bounds every request is checked against before anything changes, and their one home: the
/// server checks a field with these same methods before it takes the exchange lock, the core checks
/// again before it mutates.
/// </summary>
/// <remarks>
/// Why these numbers: the core counts in hundredths of a contract and micro-dollars, both longs
/// (about 9.2e18). All cash in the exchange is at most <see cref="MaxTotalDeposits"/> = 1e17
/// micro-dollars; every amount it computes is bounded by a small multiple of that: collateral and
/// exposure by the cash that pays for them, open interest by one dollar per YES+NO pair, one order's
/// cost by <see cref="MaxOrderContracts"/> x $1 = 1e12 micro-dollars. So no sum or product can leave
/// exact integer arithmetic, whatever the order of requests.
/// </remarks>
public static class ExchangeLimits
{
    /// <summary>Most contracts in one order: count, an amend's total count, reduce_by / reduce_to, an order group's limit.</summary>
    public const long MaxOrderContracts = 1_000_000;

    /// <summary>Largest single deposit (an account's opening balance).</summary>
    public const decimal MaxDepositDollars = 1_000_000_000m;

    /// <summary>All deposits ever made into the exchange together.</summary>
    public const decimal MaxTotalDeposits = 100_000_000_000m;

    /// <summary>Balances are kept in micro-dollars.</summary>
    public const int MaxDepositDecimals = 6;

    /// <summary>Largest fee multiplier; with at most 4 decimals every fee product stays within decimal's 28 digits.</summary>
    public const decimal MaxFeeMultiplier = 10m;

    public const int MaxFeeMultiplierDecimals = 4;

    /// <summary>Kalshi's FIX rule for ClOrdID: up to 64 characters of [-\w:+=/] (ASCII word characters).</summary>
    public const int MaxClientOrderIdLength = 64;

    /// <summary>Market and event tickers the exchange creates: ASCII letters, digits, '-', '_' and '.', so every one is a URL path segment.</summary>
    public const int MaxTickerLength = 128;

    public const int MaxTitleLength = 1000;

    public static Contracts MaxOrderCount { get; } = Contracts.Of(MaxOrderContracts);

    /// <summary>A count field (named <paramref name="field"/>) above <see cref="MaxOrderCount"/>: Kalshi's bad_request naming it.</summary>
    public static ExchangeError? CheckCount(Contracts count, string field) => Lots.TryOf(count, out _) ? null : CountRefused(count, field);

    internal static ExchangeError CountRefused(Contracts count, string field) =>
        Errors.BadRequest($"{field} {count} is above the maximum of {MaxOrderCount} contracts");

    /// <summary>An order group's contracts_limit: 1 to <see cref="MaxOrderCount"/>.</summary>
    public static ExchangeError? CheckGroupLimit(Contracts limit) =>
        limit.Value < 1m || limit.Value > MaxOrderContracts ? GroupLimitRefused : null;

    internal static ExchangeError GroupLimitRefused { get; } = Errors.BadRequest($"contracts_limit must be between 1 and {MaxOrderContracts}");

    public static bool IsClientOrderId(string id)
    {
        if (id.Length is 0 or > MaxClientOrderIdLength) return false;
        foreach (var c in id)
        {
            if (!IsClientOrderIdChar(c)) return false;
        }
        return true;
    }

    private static bool IsClientOrderIdChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or ':' or '+' or '=' or '/';

    /// <summary>Null when <paramref name="id"/> (the field <paramref name="field"/>) is absent or valid.</summary>
    public static ExchangeError? CheckClientOrderId(string? id, string field) =>
        id is null || IsClientOrderId(id)
            ? null
            : Errors.BadRequest($"{field} must be 1 to {MaxClientOrderIdLength} characters of letters, digits and - _ : + = /");

    /// <summary>One deposit: not negative, at most 6 decimals, at most <see cref="MaxDepositDollars"/>.</summary>
    public static ExchangeError? CheckDeposit(Money amount, string field)
    {
        if (amount.IsNegative) return Errors.BadRequest($"{field} must not be negative");
        if (FixedPoint.DecimalPlaces(amount.Dollars) > MaxDepositDecimals)
            return Errors.BadRequest($"{field} has more than {MaxDepositDecimals} decimal places");
        if (amount.Dollars > MaxDepositDollars) return Errors.BadRequest($"{field} is above the maximum of {MaxDepositDollars:0} dollars");
        return null;
    }

    public static bool IsTicker(string text)
    {
        if (text.Length is 0 or > MaxTickerLength) return false;
        foreach (var c in text)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.')) return false;
        }
        return true;
    }

    public static ExchangeError? CheckTicker(string text, string field) =>
        IsTicker(text) ? null : Errors.BadRequest($"{field} must be 1 to {MaxTickerLength} characters of ASCII letters, digits and - _ .");

    public static ExchangeError? CheckFeeMultiplier(decimal multiplier) =>
        multiplier < 0m || multiplier > MaxFeeMultiplier || FixedPoint.DecimalPlaces(multiplier) > MaxFeeMultiplierDecimals
            ? FeeMultiplierRefused
            : null;

    internal static ExchangeError FeeMultiplierRefused { get; } =
        Errors.BadRequest($"fee_multiplier must be a decimal string between 0 and {MaxFeeMultiplier:0} with at most {MaxFeeMultiplierDecimals} decimals");

    /// <summary>Free text (a title): well-formed UTF-16 (no lone surrogate), so it can always be written as JSON.</summary>
    public static ExchangeError? CheckText(string text, string field, int maxLength)
    {
        if (text.Length > maxLength) return Errors.BadRequest($"{field} is longer than {maxLength} characters");
        if (TextCheck.FindLoneSurrogate(text) is { } at) return Errors.BadRequest($"{field} has a lone surrogate at character {at}");
        return null;
    }
}
