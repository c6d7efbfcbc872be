using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>Auth tokens for private reads and account channels, signed when needed and renewed at half their life.</summary>
internal sealed class LighterAuthTokens(LighterSigner signer, TimeProvider time, TimeSpan lifetime)
{
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public string Current()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_token is null || now >= _renewAt)
            {
                _token = signer.AuthToken(now + lifetime);
                _renewAt = now + lifetime / 2;
            }
            return _token;
        }
    }
}

/// <summary>The account (public at Lighter: collateral, positions) and its funding history (auth).</summary>
public sealed class LighterAccountClient
{
    private readonly LighterTransport _transport;
    private readonly LighterMarketDataClient _markets;
    private readonly LighterSigner? _signer;
    private readonly LighterAuthTokens? _auth;

    internal LighterAccountClient(LighterTransport transport, LighterMarketDataClient markets, LighterSigner? signer, LighterAuthTokens? auth)
    {
        _transport = transport;
        _markets = markets;
        _signer = signer;
        _auth = auth;
    }

    private long Account => _signer?.Credentials.AccountIndex ?? throw new LighterApiException(VenueErrorKind.AuthenticationFailed, 0, "reading the account needs Lighter credentials");

    public async Task<LighterAccountInfo> GetAccountAsync(CancellationToken ct)
    {
        if (_markets.Market(0) is null) await _markets.GetMarketsAsync(ct);
        using var doc = await _transport.GetAsync("/account", [new("by", "index"), new("value", Account.ToString(CultureInfo.InvariantCulture))], ct);
        var a = LighterJson.Array(doc.RootElement, "accounts").EnumerateArray().FirstOrDefault();
        if (a.ValueKind != System.Text.Json.JsonValueKind.Object) throw new LighterApiException(VenueErrorKind.NotFound, 0, $"Lighter has no account {Account}");
        var positions = new List<LighterPosition>();
        foreach (var p in LighterJson.Array(a, "positions").EnumerateArray())
        {
            var index = (int)LighterJson.Long(p, "market_id");
            var market = _markets.Market(index) ?? await _markets.RefreshAsync(index, ct) ?? throw LighterJson.Bad("market_id", "a position of an unknown market");
            positions.Add(LighterWire.Position(p, market));
        }
        return new LighterAccountInfo(LighterJson.Long(a, "index"), LighterJson.OptStr(a, "l1_address") ?? string.Empty, LighterJson.Money(a, "collateral"),
            LighterJson.OptMoney(a, "available_balance") ?? Money.Zero, LighterJson.OptMoney(a, "total_asset_value") ?? Money.Zero,
            (int)(LighterJson.OptLong(a, "pending_order_count") ?? 0), positions);
    }

    public async Task<IReadOnlyList<LighterPosition>> GetPositionsAsync(CancellationToken ct) => (await GetAccountAsync(ct)).Positions;

    /// <summary>Funding settlements on our positions, newest first (every page).</summary>
    public async Task<IReadOnlyList<LighterFunding>> GetFundingAsync(InstrumentId? instrument, CancellationToken ct)
    {
        var market = instrument is { } i ? await _markets.MarketAsync(i.Symbol, ct) ?? throw new LighterApiException(VenueErrorKind.NotFound, 0, $"Lighter has no market {i.Symbol}") : null;
        var all = new List<LighterFunding>();
        string? cursor = null;
        while (true)
        {
            var query = new List<KeyValuePair<string, string>>
            {
                new("account_index", Account.ToString(CultureInfo.InvariantCulture)),
                new("market_id", (market?.MarketIndex ?? 255).ToString(CultureInfo.InvariantCulture)),
                new("limit", "100"),
            };
            if (_auth is not null) query.Add(new("auth", _auth.Current()));
            if (cursor is not null) query.Add(new("cursor", cursor));
            using var doc = await _transport.GetAsync("/positionFunding", query, ct);
            foreach (var f in LighterJson.Array(doc.RootElement, "position_fundings").EnumerateArray())
            {
                var index = (int)LighterJson.Long(f, "market_id");
                var m = _markets.Market(index) ?? await _markets.RefreshAsync(index, ct) ?? throw LighterJson.Bad("market_id", "a funding of an unknown market");
                all.Add(LighterWire.Funding(f, m.Instrument.Id));
            }
            cursor = LighterJson.OptStr(doc.RootElement, "next_cursor");
            if (string.IsNullOrEmpty(cursor)) return all;
        }
    }
}
