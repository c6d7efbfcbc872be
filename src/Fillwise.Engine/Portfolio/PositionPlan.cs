using Fillwise.Domain.Values;

namespace Fillwise.Engine.Portfolio;

/// <summary>What the strategy meant by a position: its exits and why it was entered.</summary>
public sealed record PositionPlan(
    string Strategy,
    ContractPrice? StopLoss,
    ContractPrice? TakeProfit,
    ClientOrderId? EntryClientOrderId,
    Contracts? RequestedContracts,
    string? Reason = null)
{
    public static PositionPlan Unplanned(string why) => new("none", null, null, null, null, why);
}
