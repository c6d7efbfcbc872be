using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Perp.Core;

/// <summary>What happened to an order (Aster's execution types).</summary>
public enum PerpExecutionType
{
    New,
    Trade,
    Canceled,
    Expired,
}

/// <summary>An order changed: placed, filled (with the fill), canceled or expired.</summary>
public sealed record PerpOrderEvent(PerpExecutionType Execution, PerpOrderView Order, PerpFillView? Fill, DateTimeOffset Time);

/// <summary>Why an account's balance or positions changed (Aster's ACCOUNT_UPDATE reason).</summary>
public enum PerpAccountChange
{
    Order,
    FundingFee,
    Deposit,
    AdminPosition,
}

/// <summary>An account's balance and the positions that changed.</summary>
public sealed record PerpAccountEvent(long AccountId, PerpAccountChange Reason, Money WalletBalance, IReadOnlyList<PerpPositionView> Positions, DateTimeOffset Time);

/// <summary>
/// Levels of one book that changed in one operation, with their new total quantity (zero: gone),
/// numbered Binance-style: this update is <see cref="UpdateId"/>, the previous one was
/// <see cref="PreviousUpdateId"/>; a client that sees a PreviousUpdateId other than the last id it
/// applied has missed something.
/// </summary>
public sealed record PerpBookDelta(string Symbol, long UpdateId, long PreviousUpdateId, IReadOnlyList<PerpBookLevel> Bids, IReadOnlyList<PerpBookLevel> Asks, DateTimeOffset Time);

/// <summary>Receives the core's events synchronously, inside the operation that caused them, in order.</summary>
public interface IPerpExchangeListener
{
    void OnOrder(PerpOrderEvent e);

    void OnAccount(PerpAccountEvent e);

    void OnBook(PerpBookDelta e);
}
