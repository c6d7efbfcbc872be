using Fillwise.Domain;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine.Execution;

public enum ExitReason
{
    StopLoss,
    TakeProfit,
    Manual,
    AcceptancePolicy,
    KillSwitch,
}

public sealed record ExitResult(ConfirmationResult? Confirmation, TrackedPosition Position, string? Skipped = null);

/// <summary>
/// Sells a position through one tracked exit order with a fill timeout. What filled leaves the
/// position (an exit with its PnL); the remainder stays in the position, not closing, so the
/// monitors keep protecting it and retry (seed 000).
/// </summary>
public sealed class ExitExecutor
{
    private readonly FillConfirmation _confirmation;
    private readonly PortfolioBook _portfolio;
    private readonly ClientOrderIds _ids;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;

    public ExitExecutor(FillConfirmation confirmation, PortfolioBook portfolio, ClientOrderIds ids, EngineMetrics metrics, TimeProvider time)
    {
        _confirmation = confirmation;
        _portfolio = portfolio;
        _ids = ids;
        _metrics = metrics;
        _time = time;
    }

    public ConfirmationOptions Options { get; set; } = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(5) };

    public async Task<ExitResult> ExitAsync(TrackedPosition position, ExitReason reason, ContractPrice limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        try
        {
            _portfolio.BeginExit(position);
        }
        catch (DomainException e)
        {
            return new ExitResult(null, position, e.Message);
        }

        var intent = new OrderIntent(
            _ids.Next(), position.Ticker, new OrderDirection(TradeAction.Sell, position.Side), position.Contracts, limit,
            OrderPurpose.Exit, position.Plan.Strategy, _time.GetUtcNow(), ReduceOnly: true, Reason: Wire(reason));
        var reasonText = Wire(reason);
        try
        {
            void Attach(Order order) => _portfolio.AttachExit(position, order, reasonText);
            var result = await _confirmation.PlaceAndConfirmAsync(intent, Options, cancellationToken, Attach);
            _metrics.RecordOrder(result);
            return new ExitResult(result, position);
        }
        finally
        {
            _portfolio.EndExitStart(position);
        }
    }

    public static string Wire(ExitReason reason) => reason switch
    {
        ExitReason.StopLoss => "stop_loss",
        ExitReason.TakeProfit => "take_profit",
        ExitReason.AcceptancePolicy => "acceptance_policy",
        ExitReason.KillSwitch => "kill_switch",
        _ => "manual",
    };
}
