using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Perp;

/// <summary>
/// How one venue funds one perpetual: the current rate, the interval it settles at (Aster 8 h or
/// 4 h per symbol, Lighter 1 h: never assume 8 h) and the next settlement time. Rates of different
/// venues compare only after <see cref="PerHour"/>; payments are always made at the venue's own
/// interval.
/// </summary>
public sealed record FundingSchedule
{
    public FundingSchedule(InstrumentId instrument, FundingRate rate, TimeSpan interval, DateTimeOffset nextFundingTime)
    {
        if (interval <= TimeSpan.Zero) throw new DomainException($"{instrument}: funding interval must be positive");
        Instrument = instrument;
        Rate = rate;
        Interval = interval;
        NextFundingTime = nextFundingTime;
    }

    public InstrumentId Instrument { get; }

    public FundingRate Rate { get; init; }

    public TimeSpan Interval { get; }

    public DateTimeOffset NextFundingTime { get; init; }

    /// <summary>The rate per hour, for comparing venues (exact while the interval is whole minutes).</summary>
    public decimal PerHour => Rate.Value * 60m / (decimal)Interval.TotalMinutes;

    /// <summary>
    /// What a position of <paramref name="signedQuantity"/> pays at <paramref name="mark"/> at one
    /// settlement (negative: it receives), rounded half away from zero to <paramref name="decimals"/>
    /// places (Aster and Binance report 8).
    /// </summary>
    public Money PaymentFor(decimal signedQuantity, Price mark, int decimals = 8) => Payment(signedQuantity, mark, Rate, decimals);

    public static Money Payment(decimal signedQuantity, Price mark, FundingRate rate, int decimals = 8) =>
        Money.Round(signedQuantity * mark.Value * rate.Value, decimals);

    /// <summary>
    /// The first settlement strictly after <paramref name="now"/> on a grid of whole intervals from
    /// the Unix epoch (00:00, 08:00, 16:00 UTC for 8 h), as venues schedule them.
    /// </summary>
    public static DateTimeOffset NextSettlementAfter(DateTimeOffset now, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero) throw new DomainException("funding interval must be positive");
        var sinceEpoch = now - DateTimeOffset.UnixEpoch;
        var periods = sinceEpoch.Ticks / interval.Ticks + 1;
        return DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(periods * interval.Ticks);
    }
}

/// <summary>The venue's mark price of an instrument at a time: what funding and unrealized PnL use.</summary>
public readonly record struct MarkPrice(InstrumentId Instrument, Price Price, DateTimeOffset Time);
