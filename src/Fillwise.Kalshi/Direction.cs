namespace Fillwise.Domain.Values;

/// <summary>Which outcome a contract pays on.</summary>
public enum OutcomeSide
{
    Yes,
    No,
}

/// <summary>Kalshi's V2 book side: bid is the yes leg, ask the no leg.</summary>
public enum BookSide
{
    Bid,
    Ask,
}

public enum TradeAction
{
    Buy,
    Sell,
}

/// <summary>
/// An action on an outcome, and the conversions Kalshi uses between "buy NO at q" and the V2
/// yes-leg form "ask at 1 - q".
/// </summary>
public readonly record struct OrderDirection(TradeAction Action, OutcomeSide Side)
{
    /// <summary>Buy YES and sell NO are bids; buy NO and sell YES are asks.</summary>
    public BookSide BookSide => (Action, Side) switch
    {
        (TradeAction.Buy, OutcomeSide.Yes) or (TradeAction.Sell, OutcomeSide.No) => BookSide.Bid,
        _ => BookSide.Ask,
    };

    /// <summary>The yes-leg price for a price quoted on this direction's outcome.</summary>
    public ContractPrice ToYesPrice(ContractPrice sidePrice) => Side == OutcomeSide.Yes ? sidePrice : sidePrice.Complement;

    /// <summary>The price on this direction's outcome for a yes-leg price.</summary>
    public ContractPrice FromYesPrice(ContractPrice yesPrice) => Side == OutcomeSide.Yes ? yesPrice : yesPrice.Complement;

    /// <summary>The V2 book side and yes price that carry out this action at <paramref name="sidePrice"/>.</summary>
    public (BookSide Side, ContractPrice YesPrice) ToV2(ContractPrice sidePrice) => (BookSide, ToYesPrice(sidePrice));

    /// <summary>The change this direction makes to a Kalshi signed position (+YES / -NO) per contract.</summary>
    public int PositionSign => BookSide == BookSide.Bid ? 1 : -1;

    public OrderDirection Opposite => this with { Action = Action == TradeAction.Buy ? TradeAction.Sell : TradeAction.Buy };
}

public static class DirectionText
{
    public static string ToWire(this OutcomeSide side) => side == OutcomeSide.Yes ? "yes" : "no";

    public static string ToWire(this BookSide side) => side == BookSide.Bid ? "bid" : "ask";

    public static string ToWire(this TradeAction action) => action == TradeAction.Buy ? "buy" : "sell";

    public static OutcomeSide Opposite(this OutcomeSide side) => side == OutcomeSide.Yes ? OutcomeSide.No : OutcomeSide.Yes;

    public static bool TryParseOutcomeSide(string? text, out OutcomeSide side)
    {
        switch (text)
        {
            case "yes": side = OutcomeSide.Yes; return true;
            case "no": side = OutcomeSide.No; return true;
            default: side = default; return false;
        }
    }

    public static bool TryParseBookSide(string? text, out BookSide side)
    {
        switch (text)
        {
            case "bid": side = BookSide.Bid; return true;
            case "ask": side = BookSide.Ask; return true;
            default: side = default; return false;
        }
    }

    public static bool TryParseAction(string? text, out TradeAction action)
    {
        switch (text)
        {
            case "buy": action = TradeAction.Buy; return true;
            case "sell": action = TradeAction.Sell; return true;
            default: action = default; return false;
        }
    }
}
