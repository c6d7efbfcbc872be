using System.Globalization;

namespace Fillwise.Domain.Values;

/// <summary>
/// Exact parsing and formatting of Kalshi's fixed-point strings ("0.4500", "10.00", "-1.2000").
/// Accepts only a plain decimal: optional leading '-', digits, optional '.' and digits. No exponent,
/// no thousands separator, no whitespace, no '+': anything else is a malformed value.
/// </summary>
public static class FixedPoint
{
    public static bool TryParse(string? text, int maxDecimals, bool allowNegative, out decimal value, out string error)
    {
        value = 0m;
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty";
            return false;
        }

        var span = text.AsSpan();
        var start = 0;
        if (span[0] == '-')
        {
            if (!allowNegative)
            {
                error = "is negative";
                return false;
            }
            start = 1;
        }

        int digitsBefore = 0, digitsAfter = 0;
        var seenPoint = false;
        for (var i = start; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '.')
            {
                if (seenPoint)
                {
                    error = "is not a decimal number";
                    return false;
                }
                seenPoint = true;
            }
            else if (c is >= '0' and <= '9')
            {
                if (seenPoint) digitsAfter++;
                else digitsBefore++;
            }
            else
            {
                error = "is not a decimal number";
                return false;
            }
        }

        if (digitsBefore == 0 || (seenPoint && digitsAfter == 0))
        {
            error = "is not a decimal number";
            return false;
        }
        if (digitsAfter > maxDecimals)
        {
            error = $"has more than {maxDecimals} decimal places";
            return false;
        }
        if (digitsBefore > 15)
        {
            error = "is too large";
            return false;
        }

        value = decimal.Parse(span, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        error = string.Empty;
        return true;
    }

    public static int DecimalPlaces(decimal value)
    {
        // The scale of a decimal after trailing zeros are dropped.
        var normalized = value / 1.0000000000000000000000000000m;
        return (decimal.GetBits(normalized)[3] >> 16) & 0xFF;
    }

    public static string Format(decimal value, int decimals) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Formats with exactly <paramref name="decimals"/> places, refusing to drop a digit.</summary>
    public static string FormatExact(decimal value, int decimals, string what)
    {
        if (decimals < 0) throw new ArgumentOutOfRangeException(nameof(decimals));
        if (DecimalPlaces(value) > decimals)
            throw new DomainException($"{what} {Format(value, DecimalPlaces(value))} has more than {decimals} decimal places");
        return Format(value, decimals);
    }

    /// <summary>The same value with trailing zeros dropped, so equal amounts compare and hash equal.</summary>
    public static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;
}
