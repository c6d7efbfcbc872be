using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Aster;

/// <summary>Aster's account endpoints: positions, balance, funding income, listenKeys.</summary>
public sealed class AsterAccountClient
{
    private readonly AsterTransport _transport;

    internal AsterAccountClient(AsterTransport transport) => _transport = transport;

    private string Venue => _transport.Options.Venue;

    /// <summary>Every position Aster reports (flat ones included, as it lists them).</summary>
    public async Task<IReadOnlyList<AsterPosition>> GetPositionsAsync(CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/positionRisk", [], signed: true, 5, false, AsterRetry.Safe, ct);
        return [.. doc.RootElement.EnumerateArray().Select(p => new AsterPosition(
            new InstrumentId(Venue, AsterJson.Str(p, "symbol")), AsterJson.Dec(p, "positionAmt"), AsterJson.Price(p, "entryPrice"),
            AsterJson.Price(p, "markPrice"), AsterJson.Money(p, "unRealizedProfit"), AsterJson.Time(p, "updateTime")))];
    }

    /// <summary>The USDT balance.</summary>
    public async Task<AsterBalance> GetBalanceAsync(CancellationToken ct, string asset = "USDT")
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/balance", [], signed: true, 5, false, AsterRetry.Safe, ct);
        foreach (var b in doc.RootElement.EnumerateArray())
        {
            if (AsterJson.OptStr(b, "asset") != asset) continue;
            return new AsterBalance(asset, AsterJson.Money(b, "balance"), AsterJson.Money(b, "availableBalance"), AsterJson.Money(b, "crossUnPnl"));
        }
        return new AsterBalance(asset, Money.Zero, Money.Zero, Money.Zero);
    }

    /// <summary>Funding fees booked (income: positive received, negative paid).</summary>
    public async Task<IReadOnlyList<AsterIncome>> GetFundingIncomeAsync(InstrumentId? instrument, CancellationToken ct)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("incomeType", "FUNDING_FEE") };
        if (instrument is { } i) parameters.Insert(0, new("symbol", i.Symbol));
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/income", parameters, signed: true, 30, false, AsterRetry.Safe, ct);
        return [.. doc.RootElement.EnumerateArray().Select(e => new AsterIncome(AsterJson.Long(e, "tranId"), new InstrumentId(Venue, AsterJson.Str(e, "symbol")),
            AsterJson.Str(e, "incomeType"), AsterJson.Money(e, "income"), AsterJson.Time(e, "time")))];
    }

    public async Task<string> CreateListenKeyAsync(CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Post, "/v3/listenKey", [], signed: true, 1, false, AsterRetry.Safe, ct);
        return AsterJson.Str(doc.RootElement, "listenKey");
    }

    public async Task KeepAliveListenKeyAsync(CancellationToken ct)
    {
        using var _ = await _transport.SendAsync(HttpMethod.Put, "/v3/listenKey", [], signed: true, 1, false, AsterRetry.Safe, ct);
    }

    public async Task CloseListenKeyAsync(CancellationToken ct)
    {
        using var _ = await _transport.SendAsync(HttpMethod.Delete, "/v3/listenKey", [], signed: true, 1, false, AsterRetry.Safe, ct);
    }
}
