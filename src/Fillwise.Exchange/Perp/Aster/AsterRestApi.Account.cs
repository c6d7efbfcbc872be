using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Core;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Perp.Aster;

internal sealed partial class AsterRestApi
{
    /// <summary>One entry per market (zero positions included), as Aster lists them.</summary>
    private IResult PositionRisk(AsterRequest r, long account, PerpExchange ex)
    {
        var symbol = r.Get("symbol");
        if (symbol is not null && !ex.HasMarket(symbol)) return AsterErrors.InvalidSymbol().ToResult();
        var all = new JsonArray();
        foreach (var m in ex.GetMarkets())
        {
            if (symbol is not null && m.Definition.Symbol != symbol) continue;
            all.Add(AsterWire.Position(m, ex.GetPosition(account, m.Definition.Symbol)!, ex.Rules.Leverage));
        }
        return Ok(all);
    }

    private IResult Balance(AsterRequest r, long account, PerpExchange ex)
    {
        var a = ex.GetAccount(account)!;
        return Ok(new JsonArray(new JsonObject
        {
            ["accountAlias"] = "FwAster" + account.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["asset"] = AsterWire.Asset,
            ["balance"] = AsterWire.Money(a.WalletBalance),
            ["crossWalletBalance"] = AsterWire.Money(a.WalletBalance),
            ["crossUnPnl"] = AsterWire.Money(a.UnrealizedPnl),
            ["availableBalance"] = AsterWire.Money(a.AvailableBalance),
            ["maxWithdrawAmount"] = AsterWire.Money(a.AvailableBalance.IsNegative ? Domain.Values.Money.Zero : a.AvailableBalance),
            ["marginAvailable"] = true,
            ["updateTime"] = AsterWire.Ms(Time.GetUtcNow()),
        }));
    }

    /// <summary>One bracket at the venue's single leverage (the simple margin model has no tiers).</summary>
    private IResult LeverageBracket(AsterRequest r, long account, PerpExchange ex)
    {
        var all = new JsonArray();
        foreach (var m in ex.GetMarkets())
        {
            all.Add(new JsonObject
            {
                ["symbol"] = m.Definition.Symbol,
                ["brackets"] = new JsonArray(new JsonObject
                {
                    ["bracket"] = 1,
                    ["initialLeverage"] = ex.Rules.Leverage,
                    ["notionalCap"] = 10_000_000,
                    ["notionalFloor"] = 0,
                    ["maintMarginRatio"] = 0.025,
                    ["cum"] = 0.0,
                }),
            });
        }
        return Ok(all);
    }

    /// <summary>Income history: funding fees (and realized PnL / commissions of fills), newest last.</summary>
    private IResult Income(AsterRequest r, long account, PerpExchange ex)
    {
        var symbol = r.Get("symbol");
        var type = r.Get("incomeType");
        var all = new JsonArray();
        if (type is null or "FUNDING_FEE")
        {
            foreach (var f in ex.FundingPayments(account, symbol))
            {
                all.Add(new JsonObject
                {
                    ["symbol"] = f.Symbol,
                    ["incomeType"] = "FUNDING_FEE",
                    // Income is what the account received: the opposite of what it paid.
                    ["income"] = AsterWire.Money(-f.Amount),
                    ["asset"] = AsterWire.Asset,
                    ["info"] = "FUNDING_FEE",
                    ["time"] = AsterWire.Ms(f.Time),
                    ["tranId"] = f.IncomeId,
                    ["tradeId"] = "",
                });
            }
        }
        return Ok(all);
    }

    private IResult KeepAlive(AsterRequest r, long account, PerpExchange ex) =>
        venue.KeepAlive(account, r.Get("listenKey")) ? Ok(new JsonObject()) : AsterErrors.InvalidListenKey().ToResult();
}
