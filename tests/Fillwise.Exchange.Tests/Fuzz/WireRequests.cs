using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Tests.Server;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>One request as the fuzz sends it: which API, method, path (with query), raw body bytes, who signs.</summary>
internal sealed record WireRequest(bool Admin, HttpMethod Method, string Path, byte[]? Body, TestAccount? Signer,
    IReadOnlyList<(string Name, string Value)>? Headers = null)
{
    public override string ToString()
    {
        var body = Body is null ? "" : " " + (System.Text.Unicode.Utf8.IsValid(Body) ? Encoding.UTF8.GetString(Body) : "bytes " + Convert.ToHexString(Body));
        if (body.Length > 600) body = body[..600] + "...";
        var headers = Headers is null ? "" : " headers " + string.Join("; ", Headers.Select(h => $"{h.Name}: {h.Value}"));
        return $"{(Admin ? "admin" : "trade")} {Method} {Path}{(Signer is null ? "" : " signed by " + Signer.UserId)}{headers}{body}";
    }
}

/// <summary>What the fuzz knows of the world it built: the generator draws ids and tickers from it.</summary>
internal sealed class WireWorld
{
    public List<(string Ticker, decimal TickSize)> Markets { get; } = [];

    /// <summary>Markets closed or settled through the admin API: the sane half trades elsewhere.</summary>
    public HashSet<string> Closed { get; } = [];
    public List<TestAccount> Signers { get; } = [];
    public List<(TestAccount Owner, string OrderId, string Ticker, string Side)> Orders { get; } = [];
    public List<(TestAccount Owner, string GroupId)> Groups { get; } = [];
    public List<string> ClientOrderIds { get; } = [];
    public List<string> UserIds { get; } = [];
    public List<string> PublicKeys { get; } = [];
}

/// <summary>
/// Random and boundary requests for every field of the trade API and the admin API, and bodies that
/// are not JSON, not text, or full of numbers no exchange should take. About half are sane, so the
/// world keeps trading and the hostile half hits a live exchange.
/// </summary>
internal sealed class WireRequests(FuzzValues v, WireWorld world, TimeProvider clock)
{
    // A placeholder a string field can take; replaced by a lone surrogate escape in the raw JSON text.
    private const string LoneSurrogate = "__LONE_SURROGATE__";
    private const string Orders = "/portfolio/events/orders";

    private bool _sane;

    public WireRequest Next()
    {
        _sane = v.Chance(55);
        return v.Weighted(
            (30, Create),
            (4, Batch),
            (6, Cancel),
            (2, BatchCancel),
            (1, CancelAll),
            (6, Amend),
            (4, Decrease),
            (5, GroupRequest),
            (8, Read),
            (1, Legacy),
            (2, AdminAccount),
            (2, AdminMarket),
            (1, Settle),
            (1, Close),
            (1, Archive),
            (1, Faults),
            (1, AdminRead),
            (6, Garbage),
            (3, BadAuth));
    }

    /// <summary>Kalshi's three auth headers with values no client should send.</summary>
    private WireRequest BadAuth()
    {
        var signer = Signer();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string Pick(params string[] values) => v.Pick(values);
        var headers = new List<(string, string)>
        {
            ("KALSHI-ACCESS-KEY", Pick(signer.ApiKeyId, "", "nope", new string('k', 5_000), "%FF")),
            ("KALSHI-ACCESS-TIMESTAMP", Pick(now, "", "-1", "99999999999999999999999", "9223372036854775807", "0", "1e3", " 1")),
            ("KALSHI-ACCESS-SIGNATURE", Pick("", "!!!", "AAAA", "====", Convert.ToBase64String(new byte[512]), new string('A', 10_000))),
        };
        if (v.Chance(30)) headers.RemoveAt(v.Random.Next(headers.Count));
        var request = v.Chance(50) ? Create() : Read();
        return request with { Signer = null, Headers = headers };
    }

    private TestAccount Signer() => v.Pick(world.Signers);

    private TestAccount? MaybeSigner() => _sane || v.Chance(90) ? Signer() : null;

    /// <summary>Mostly the first markets (so books fill and cross), sometimes any, sometimes none that exists.</summary>
    private (string Ticker, decimal TickSize) Market()
    {
        if (!_sane && v.Chance(15)) return (v.Pick(["KXNOPE-1", "", "KX/SLASH", "kx lower", "K" + new string('X', 300), LoneSurrogate]), 0.01m);
        var live = world.Markets.Where(m => !world.Closed.Contains(m.Ticker)).ToList();
        if (live.Count == 0 || (!_sane && v.Chance(30))) return v.Pick(world.Markets);
        return v.Chance(60) ? live[v.Random.Next(Math.Min(2, live.Count))] : v.Pick(live);
    }

    private string OrderId(TestAccount signer)
    {
        var mine = world.Orders.Where(o => o.Owner == signer).Select(o => o.OrderId).ToList();
        if (mine.Count > 0 && (_sane || v.Chance(70))) return v.Pick(mine);
        if (world.Orders.Count > 0 && v.Chance(50)) return v.Pick(world.Orders).OrderId;
        return v.Pick(["garbage", "00000000-0000-4000-8000-000000000000", new string('f', 300), "%FF", "%ED%A0%80", "a%00b", "..", "%2F"]);
    }

    // ---- field values -------------------------------------------------------------------

    private JsonNode? Count() => _sane
        ? FuzzValues.Fixed(v.Random.Next(1, 2_000) / 100m, 2)
        : Hostile(() => FuzzValues.Fixed(v.Count(), 2), ["1e5", "-1.00", " 1.00", "1.234", "0x10", "1,00", "99999999999999999999999.99", "+1", "NaN", "Infinity", "１"]);

    private JsonNode? Price(decimal tickSize) => _sane
        ? FuzzValues.Fixed(v.NearTheMiddle(tickSize), 4)
        : Hostile(() => FuzzValues.Fixed(v.Price(tickSize), 4), ["0", "1.0000", "0.0000", "-0.3000", "0.12345", "1e-1", "abc", "0.30000000000000000001", "99999999999999999999.99"]);

    private JsonNode? ClientOrderId() => _sane
        ? (v.Chance(50) ? null : "w-" + v.Random.Next().ToString("x", CultureInfo.InvariantCulture))
        : v.Chance(10) ? LoneSurrogate : v.ClientOrderId(world.ClientOrderIds);

    /// <summary>A hostile value: usually the typed generator, else odd strings, wrong JSON types, huge numbers.</summary>
    private JsonNode? Hostile(Func<string> typed, string[] odd) => v.Weighted<JsonNode?>(
        (50, () => typed()),
        (20, () => v.Pick(odd)),
        (20, WrongType),
        (5, () => v.OddText()),
        (5, () => LoneSurrogate));

    private JsonNode? WrongType() => v.Weighted<JsonNode?>(
        (3, () => v.Random.Next(-5, 1_000_000)),
        (1, () => JsonValue.Create(1e300)),
        (1, () => JsonNode.Parse("123456789012345678901234567890")),
        (1, () => true),
        (1, () => null),
        (1, () => new JsonArray(1, "two")),
        (1, () => new JsonObject { ["nested"] = "x" }));

    private JsonNode? Word(string[] valid, string[] invalid) => _sane ? v.Pick(valid) : Hostile(() => v.Pick(valid), invalid);

    private JsonNode? Flag() => _sane ? v.Chance(8) : v.Weighted<JsonNode?>((80, () => v.Chance(30)), (20, WrongType));

    private JsonNode? Whole(long sane, long[] odd) => _sane ? sane : v.Weighted<JsonNode?>((60, () => v.Pick(odd)), (40, WrongType));

    private JsonObject CreateBody()
    {
        var (ticker, tick) = Market();
        var tif = Word(["good_till_canceled", "good_till_canceled", "immediate_or_cancel", "fill_or_kill"], ["gtc", "GOOD_TILL_CANCELED", ""]);
        var body = new JsonObject
        {
            ["ticker"] = ticker,
            ["side"] = Word(["bid", "ask"], ["yes", "no", "buy", ""]),
            ["count"] = Count(),
            ["price"] = Price(tick),
            ["time_in_force"] = tif,
            ["self_trade_prevention_type"] = Word(["taker_at_cross", "maker"], ["none", "cancel_both"]),
        };
        if (ClientOrderId() is { } id) body["client_order_id"] = id;
        var now = clock.GetUtcNow();
        if (_sane ? (string?)tif == "good_till_canceled" && v.Chance(10) : v.Chance(30))
        {
            body["expiration_time"] = _sane
                ? now.AddSeconds(v.Random.Next(1, 600)).ToUnixTimeSeconds()
                : Whole(0, [0, -1, 1, now.ToUnixTimeSeconds(), now.AddSeconds(30).ToUnixTimeSeconds(), 253402300799, 253402300800, long.MaxValue]);
        }
        if (v.Chance(20)) body["post_only"] = Flag();
        if (v.Chance(15)) body["reduce_only"] = Flag();
        if (v.Chance(5)) body["cancel_order_on_pause"] = Flag();
        if (v.Chance(_sane ? 5 : 20)) body["order_group_id"] = GroupIdValue();
        if (v.Chance(_sane ? 2 : 15)) body["subaccount"] = Whole(0, [1, -1, 63, 64, long.MinValue]);
        if (v.Chance(_sane ? 2 : 15)) body["exchange_index"] = Whole(-1, [0, 1, 5, -2]);
        if (!_sane) Damage(body);
        return body;
    }

    private JsonNode? GroupIdValue()
    {
        if (world.Groups.Count > 0 && v.Chance(70)) return v.Pick(world.Groups).GroupId;
        return _sane ? null : Hostile(() => "no-such-group", ["", LoneSurrogate]);
    }

    /// <summary>Drops or retypes a field, or adds an unknown one.</summary>
    private void Damage(JsonObject body)
    {
        var names = body.Select(p => p.Key).ToList();
        if (names.Count > 0 && v.Chance(15)) body.Remove(v.Pick(names));
        if (names.Count > 0 && v.Chance(10)) body[v.Pick(names)] = WrongType();
        if (v.Chance(10)) body[v.Pick(["unknown", "count_fp", "yes_price", "action", LoneSurrogate])] = WrongType();
    }

    // ---- trade API ----------------------------------------------------------------------

    private WireRequest Trade(HttpMethod method, string path, JsonNode? body, TestAccount? signer = null) =>
        new(false, method, path, body is null ? null : Encode(body), signer ?? MaybeSigner());

    private WireRequest Create() => Trade(HttpMethod.Post, Orders, CreateBody());

    private WireRequest Batch()
    {
        var items = new JsonArray();
        for (var i = v.Chance(3) ? 0 : v.Random.Next(1, 6); i > 0; i--) items.Add(v.Chance(_sane ? 100 : 85) ? CreateBody() : WrongType());
        return Trade(HttpMethod.Post, Orders + "/batched", new JsonObject { ["orders"] = items });
    }

    private WireRequest Cancel()
    {
        var signer = Signer();
        var query = v.Chance(10) ? v.Pick(["?subaccount=0", "?market_ticker=%FF", "?exchange_index=x"]) : "";
        return Trade(HttpMethod.Delete, $"{Orders}/{OrderId(signer)}{query}", null, signer);
    }

    private WireRequest BatchCancel()
    {
        var signer = Signer();
        var ids = new JsonArray();
        for (var i = v.Random.Next(0, 5); i > 0; i--) ids.Add(v.Chance(90) ? OrderId(signer) : WrongType());
        JsonNode body = v.Chance(50)
            ? new JsonObject { ["ids"] = ids }
            : new JsonObject { ["orders"] = new JsonArray([.. ids.Select(id => (JsonNode?)new JsonObject { ["order_id"] = id?.DeepClone() })]) };
        return Trade(HttpMethod.Delete, Orders + "/batched", body, signer);
    }

    private WireRequest CancelAll() => Trade(HttpMethod.Delete, Orders, null, Signer());

    private WireRequest Amend()
    {
        var signer = Signer();
        var id = OrderId(signer);
        var known = world.Orders.FirstOrDefault(o => o.OrderId == id);
        var (ticker, tick) = Market();
        var side = Word(["bid", "ask"], ["yes", ""]);
        if (known.OrderId is not null && (_sane || v.Chance(60)))
        {
            ticker = known.Ticker;
            tick = world.Markets.First(m => m.Ticker == known.Ticker).TickSize;
            side = known.Side;
        }
        var body = new JsonObject
        {
            ["ticker"] = ticker,
            ["side"] = side,
            ["price"] = Price(tick),
            ["count"] = Count(),
        };
        if (v.Chance(30)) body["updated_client_order_id"] = ClientOrderId();
        if (v.Chance(10)) body["client_order_id"] = ClientOrderId();
        if (!_sane) Damage(body);
        return Trade(HttpMethod.Post, $"{Orders}/{id}/amend", body, signer);
    }

    private WireRequest Decrease()
    {
        var signer = Signer();
        var body = new JsonObject();
        var roll = v.Random.Next(10);
        if (roll < 5 || roll == 9) body["reduce_by"] = Count();
        if (roll >= 4) body["reduce_to"] = v.Chance(30) ? "0.00" : Count();
        if (!_sane) Damage(body);
        return Trade(HttpMethod.Post, $"{Orders}/{OrderId(signer)}/decrease", body, signer);
    }

    private WireRequest GroupRequest()
    {
        var signer = Signer();
        var mine = world.Groups.Where(g => g.Owner == signer).Select(g => g.GroupId).ToList();
        var id = mine.Count > 0 && (_sane || v.Chance(70)) ? v.Pick(mine) : world.Groups.Count > 0 && v.Chance(50) ? v.Pick(world.Groups).GroupId : "no-such-group";
        JsonNode Limit() => v.Chance(50)
            ? new JsonObject { ["contracts_limit"] = Whole(v.Random.Next(1, 50), [0, -1, 1_000_000, 1_000_001, long.MaxValue]) }
            : new JsonObject { ["contracts_limit_fp"] = _sane ? FuzzValues.Fixed(v.Random.Next(1, 50), 2) : Count() };
        return v.Random.Next(7) switch
        {
            0 or 1 => Trade(HttpMethod.Post, "/portfolio/order_groups/create", Limit(), signer),
            2 => Trade(v.Chance(50) ? HttpMethod.Put : HttpMethod.Post, $"/portfolio/order_groups/{id}/reset", null, signer),
            3 => Trade(HttpMethod.Put, $"/portfolio/order_groups/{id}/trigger", null, signer),
            4 => Trade(HttpMethod.Put, $"/portfolio/order_groups/{id}/limit", Limit(), signer),
            5 => Trade(HttpMethod.Delete, $"/portfolio/order_groups/{id}", null, signer),
            _ => Trade(HttpMethod.Get, v.Chance(50) ? "/portfolio/order_groups" : $"/portfolio/order_groups/{id}", null, signer),
        };
    }

    private WireRequest Read()
    {
        var ticker = v.Pick(world.Markets).Ticker;
        var odd = v.Pick(["", "?limit=0", "?limit=1001", "?limit=-1", "?limit=99999999999", "?cursor=%FF%FE", "?ticker=%ED%A0%80", "?min_ts=-1",
            "?max_ts=99999999999999999999", "?status=open", "?status=%00", "?event_ticker=" + new string('E', 20_00), "?count_filter=x", "?depth=-1", "?depth=100001",
            "?with_nested_markets=maybe", "?tickers=" + ticker + ",,%20", "?limit=2&cursor=" + Uri.EscapeDataString(ticker)]);
        var path = v.Pick([
            "/portfolio/orders", "/portfolio/fills", "/portfolio/positions", "/portfolio/balance", "/portfolio/settlements",
            "/historical/orders", "/historical/fills", "/historical/cutoff", "/markets", "/markets/trades", "/events",
            $"/markets/{ticker}", $"/markets/{ticker}/orderbook", "/events/KXFUZZ", "/exchange/status", "/account/limits",
            $"/portfolio/orders/{OrderId(Signer())}", "/markets/%FF", "/events/%ED%A0%80", "/no/such/thing"]);
        return Trade(HttpMethod.Get, path + odd, null, v.Chance(80) ? Signer() : null);
    }

    private WireRequest Legacy() => Trade(v.Pick([HttpMethod.Post, HttpMethod.Delete]), v.Pick(["/portfolio/orders", "/portfolio/orders/batched", "/portfolio/orders/x"]), CreateBody());

    // ---- admin API ------------------------------------------------------------------------

    private static WireRequest AdminCall(HttpMethod method, string path, JsonNode? body) => new(true, method, path, body is null ? null : Encode(body), null);

    private WireRequest AdminAccount()
    {
        var body = new JsonObject
        {
            ["balance_dollars"] = _sane
                ? FuzzValues.Fixed(v.Random.Next(0, 100_000), 2)
                : Hostile(() => FuzzValues.Fixed(v.Count(), 2), ["1000000000.00", "1000000000.01", "1.0000001", "-5", "99999999999999999999", "1e9", ""]),
            // A key the fuzz holds (the account then signs requests), or garbage; never a generated key (slow).
            ["public_key_pem"] = _sane || v.Chance(60) ? v.Pick(world.PublicKeys) : v.Pick<JsonNode?>(["not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", LoneSurrogate, 42]),
        };
        if (!_sane && v.Chance(10)) body.Remove("balance_dollars");
        return AdminCall(HttpMethod.Post, "/accounts", body);
    }

    private WireRequest AdminMarket()
    {
        var now = clock.GetUtcNow();
        var body = new JsonObject
        {
            ["ticker"] = _sane ? $"KXWIRE-{v.Random.Next(1_000_000)}" : Hostile(() => $"KXWIRE-{v.Random.Next(100)}", ["", "KX/SLASH", "KX TEST", "kx.ok-1_2", new string('K', 129), "KX\u202E"]),
            ["title"] = _sane ? "fuzz market" : Hostile(() => v.OddText(), [new string('t', 1001)]),
            ["fee_type"] = Word(["quadratic", "quadratic_with_maker_fees", "quadratic_with_combo_maker_fees"], ["linear", ""]),
            ["fee_multiplier"] = Word(["1", "0.5", "10", "0"], ["10.0001", "1.00001", "-1", "1e1", "NaN"]),
            ["tick_size"] = Word(["0.0100", "0.0010", "0.0001", "0.0500", "0.0025"], ["0.0300", "0.5000", "0", "1.0000", "0.00001"]),
        };
        if (v.Chance(_sane ? 0 : 40)) body["event_ticker"] = Hostile(() => "KXWIRE", ["", "E V", "E\u202E"]);
        if (v.Chance(_sane ? 0 : 30)) body["close_time"] = Hostile(() => now.AddMinutes(v.Random.Next(-60, 600)).ToString("O", CultureInfo.InvariantCulture), ["yesterday", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]);
        if (v.Chance(_sane ? 0 : 30)) body["open_time"] = Hostile(() => now.AddMinutes(v.Random.Next(-60, 60)).ToString("O", CultureInfo.InvariantCulture), ["x"]);
        if (!_sane) Damage(body);
        return AdminCall(HttpMethod.Post, "/markets", body);
    }

    private string AdminTicker() => _sane || v.Chance(80) ? v.Pick(world.Markets).Ticker : v.Pick(["KXNOPE", "%FF", "%ED%A0%80", new string('K', 300)]);

    private WireRequest Settle() =>
        AdminCall(HttpMethod.Post, $"/markets/{AdminTicker()}/settle", new JsonObject { ["result"] = Word(["yes", "no"], ["maybe", "YES", ""]) });

    private WireRequest Close() => AdminCall(HttpMethod.Post, $"/markets/{AdminTicker()}/close", null);

    private WireRequest Archive() => AdminCall(HttpMethod.Post, "/historical/archive", null);

    private WireRequest Faults()
    {
        JsonNode? Rate() => v.Weighted<JsonNode?>((5, () => 0), (3, () => v.Random.NextDouble()), (1, () => 2), (1, () => -0.5), (1, () => "0.5"), (1, () => "NaN"),
            (1, () => "Infinity"), (1, () => JsonNode.Parse("1e400")), (1, WrongType));
        var body = new JsonObject
        {
            ["http_5xx_rate"] = Rate(),
            ["http_429_rate"] = Rate(),
            ["drop_response_rate"] = Rate(),
            ["latency_ms"] = v.Weighted<JsonNode?>((5, () => 0), (1, () => 60_001), (1, () => -1), (1, () => int.MaxValue), (1, WrongType)),
            ["ws_disconnect_every_s"] = v.Weighted<JsonNode?>((5, () => 0), (1, () => 86_401), (1, () => -1), (1, WrongType)),
        };
        return AdminCall(HttpMethod.Put, "/faults", body);
    }

    private WireRequest AdminRead() => v.Random.Next(3) switch
    {
        0 => AdminCall(HttpMethod.Get, "/faults", null),
        1 => AdminCall(HttpMethod.Get, "/accounts/" + (v.Chance(70) ? v.Pick(world.UserIds) : v.Pick(["nobody", "%FF", "%ED%A0%80"])), null),
        _ => AdminCall(HttpMethod.Get, "/no/such/admin/thing", null),
    };

    // ---- bodies that are not JSON, not text, or too much -------------------------------------

    private WireRequest Garbage()
    {
        var (admin, method, path) = v.Pick<(bool, HttpMethod, string)>([
            (false, HttpMethod.Post, Orders), (false, HttpMethod.Post, Orders + "/batched"), (false, HttpMethod.Delete, Orders + "/batched"),
            (false, HttpMethod.Post, "/portfolio/order_groups/create"), (true, HttpMethod.Post, "/accounts"), (true, HttpMethod.Post, "/markets"),
            (true, HttpMethod.Put, "/faults"), (true, HttpMethod.Post, $"/markets/{v.Pick(world.Markets).Ticker}/settle")]);
        var valid = Encode(CreateBody());
        var body = v.Weighted<byte[]>(
            (3, () => v.Bytes(200)),
            (3, () => valid[..v.Random.Next(valid.Length)]),
            (3, () => Splice(valid, [0xFF])),
            (2, () => Splice(valid, [0xED, 0xA0, 0x80])),
            (2, () => Splice(valid, [0xC3])),
            (2, () => Splice(valid, "\\ud800"u8.ToArray())),
            (2, () => Splice(valid, [0xEF, 0xBB, 0xBF])),
            (2, () => Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100))),
            (2, () => Encoding.UTF8.GetBytes("{\"count\":" + new string('9', 400) + "}")),
            (1, () => Encoding.UTF8.GetBytes("{\"count\":1e999999}")),
            (1, () => Encoding.UTF8.GetBytes("{\"a\":1,\"a\":2}")),
            (1, () => "null"u8.ToArray()),
            (1, () => "\"just a string\""u8.ToArray()),
            (1, () => []),
            (1, () => Encoding.UTF8.GetBytes("{\"ticker\":\"" + new string('x', 1_100_000) + "\"}")));
        return new WireRequest(admin, method, path, body, admin ? null : Signer());
    }

    /// <summary>Inserts <paramref name="bytes"/> inside a string value of a JSON text, so the JSON stays well-formed around them.</summary>
    private byte[] Splice(byte[] json, byte[] bytes)
    {
        var quotes = Enumerable.Range(0, json.Length).Where(i => json[i] == (byte)'"').ToList();
        var at = quotes.Count > 0 ? v.Pick(quotes) + 1 : 0;
        return [.. json[..at], .. bytes, .. json[at..]];
    }

    private static byte[] Encode(JsonNode body) =>
        Encoding.UTF8.GetBytes(body.ToJsonString().Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal));
}
