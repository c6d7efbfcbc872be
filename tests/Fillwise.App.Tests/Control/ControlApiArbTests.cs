using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Control;

/// <summary>POST /arb/open, POST /arb/close, GET /arb: the contract's shape, its refusals, one operation per symbol.</summary>
public sealed class ControlApiArbTests : IAsyncLifetime
{
    private const string Token = "test-token-arb-0123456789abcdef";
    private static readonly InstrumentId AsterZec = new("aster", "ZECUSDT");
    private static readonly InstrumentId LighterZec = new("lighter", "ZEC");
    private readonly ScriptedVenue _aster = new("aster", "aster-");
    private readonly ScriptedVenue _lighter = new("lighter", "lighter-");
    private TradingEngine _engine = null!;
    private ControlHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _aster.Rules = id => id == AsterZec ? new Instrument(id, InstrumentKind.Perpetual, "ZEC", [new PriceBand(Price.Of(0.01m), Price.Of(100_000m), Price.Of(0.01m))],
            Quantity.Of(0.001m), Quantity.Of(0.001m), Money.FromDollars(5m), true) : null;
        _lighter.Rules = id => id == LighterZec ? new Instrument(id, InstrumentKind.Perpetual, "ZEC", [new PriceBand(Price.Of(0.001m), Price.Of(100_000m), Price.Of(0.001m))],
            Quantity.Of(0.001m), Quantity.Of(0.05m), Money.FromDollars(10m), false) : null;
        _aster.SetBid(AsterZec, 513.99m, 514.03m);
        _lighter.SetBid(LighterZec, 513.647m, 514.033m);
        // The market takes every order of ours at once, whole.
        _aster.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        _lighter.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        _aster.ExternalTrade(AsterZec, OrderSide.Sell, 2.332m, 495.79m);
        _lighter.ExternalTrade(LighterZec, OrderSide.Buy, 2.311m, 495.246m);
        _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_aster), VenueConnection.Of(_lighter)]), new InMemoryJournal(), TimeProvider.System,
            new TradingEngineOptions
            {
                Risk = Engine.Risk.RiskLimits.None,
                Arbitrage = new TwoLegOptions { PollInterval = TimeSpan.FromMilliseconds(20), PassiveTimeout = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromMilliseconds(200) },
            });
        await _engine.StartAsync(CancellationToken.None);
        _host = await ControlHost.StartAsync(new ControlContext(_engine, ControlToken.Resolve(Token, Path.GetTempPath()), "paper", "aster", TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _host.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> Post(string path, string body)
    {
        using var response = await _http.PostAsync(new Uri("/api/v1" + path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Arb_endpoints_need_the_token()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/arb", UriKind.Relative))).StatusCode);
        var posted = await anonymous.PostAsync(new Uri("/api/v1/arb/close", UriKind.Relative),
            new StringContent("""{"symbol":"ZEC","venues":["aster","lighter"],"reason":"manual"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
        Assert.DoesNotContain(_aster.Orders, o => o.ClientOrderId.Value.StartsWith("fw-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_close_answers_the_operation_in_the_contracts_shape_in_each_venues_precision_and_is_listed_newest_first()
    {
        var (status, op) = await Post("/arb/close", """{"symbol":"ZEC","venues":["aster","lighter"],"reason":"funding_erosion"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("close", "ZEC", "funding_erosion", "success", false), (op["kind"]!.GetValue<string>(), op["symbol"]!.GetValue<string>(),
            op["reason"]!.GetValue<string>(), op["outcome"]!.GetValue<string>(), op["rolled_back"]!.GetValue<bool>()));
        var legs = op["legs"]!.AsArray();
        var aster = legs.Single(l => l!["venue"]!.GetValue<string>() == "aster")!;
        Assert.Equal(("buy", "2.332", "2.332", "513.99"), (aster["side"]!.GetValue<string>(), aster["target"]!.GetValue<string>(),
            aster["filled"]!.GetValue<string>(), aster["avg_price"]!.GetValue<string>()));
        var order = aster["orders"]!.AsArray().Single()!;
        Assert.Equal(("passive", "513.99", "2.332", "2.332", "filled"), (order["phase"]!.GetValue<string>(), order["price"]!.GetValue<string>(),
            order["quantity"]!.GetValue<string>(), order["filled"]!.GetValue<string>(), order["status"]!.GetValue<string>()));
        Assert.NotNull(order["order_id"]);
        var lighter = legs.Single(l => l!["venue"]!.GetValue<string>() == "lighter")!;
        Assert.Equal(("sell", "2.311", "514.033"), (lighter["side"]!.GetValue<string>(), lighter["target"]!.GetValue<string>(),
            lighter["orders"]![0]!["price"]!.GetValue<string>()));
        Assert.Equal(["passive"], op["phases"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Empty(op["dust"]!.AsArray());
        Assert.NotNull(lighter["fees"]);

        var list = JsonNode.Parse(await _http.GetStringAsync(new Uri("/api/v1/arb", UriKind.Relative)))!;
        Assert.Equal(op["id"]!.GetValue<string>(), list["operations"]![0]!["id"]!.GetValue<string>());
        var one = JsonNode.Parse(await _http.GetStringAsync(new Uri("/api/v1/arb/" + op["id"]!.GetValue<string>(), UriKind.Relative)))!;
        Assert.Equal(op.ToJsonString(), one.ToJsonString());
    }

    [Fact]
    public async Task Bad_requests_are_400s_naming_the_field_and_change_nothing()
    {
        foreach (var (path, body, named) in new[]
        {
            ("/arb/close", "not json", "not valid JSON"),
            ("/arb/close", """{"venues":["aster","lighter"],"reason":"manual"}""", "'symbol' is required"),
            ("/arb/close", """{"symbol":"ZEC","venues":"aster,lighter","reason":"manual"}""", "'venues'"),
            ("/arb/close", """{"symbol":"ZEC","venues":["aster","lighter"],"reason":7}""", "'reason'"),
            ("/arb/open", """{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":2.5}""", "'quantity'"),
            ("/arb/open", """{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":"1e3"}""", "'quantity'"),
            ("/arb/open", """{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":"0.01"}""", "minimum"),
        })
        {
            var (status, answer) = await Post(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(named, answer["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Empty(_engine.ArbBook.All);
        Assert.Equal(2, _aster.Orders.Count + _lighter.Orders.Count);
    }

    [Fact]
    public async Task A_second_operation_on_a_symbol_while_one_runs_is_a_409_and_changes_nothing()
    {
        // Nothing fills now: the open rests its passive orders for its whole phase.
        _aster.OnSubmit = (_, _) => SubmitScript.Accept;
        _lighter.OnSubmit = (_, _) => SubmitScript.Accept;
        var first = Post("/arb/open", """{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":"1.000"}""");
        for (var i = 0; i < 300 && _aster.Orders.Count + _lighter.Orders.Count < 4; i++) await Task.Delay(10);
        Assert.NotNull(_engine.ArbBook.RunningOn("ZEC"));
        var sent = _aster.Orders.Count + _lighter.Orders.Count;

        var (status, answer) = await Post("/arb/close", """{"symbol":"ZEC","venues":["aster","lighter"],"reason":"manual"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("is running on ZEC", answer["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(sent, _aster.Orders.Count + _lighter.Orders.Count);
        var (_, opened) = await first;
        Assert.Equal("failed", opened["outcome"]!.GetValue<string>());
        Assert.Single(_engine.ArbBook.All);
    }

    [Fact]
    public void An_arb_event_is_the_operation_document()
    {
        var view = new TwoLegView("arb-1", TwoLegKind.Close, "ZEC", "manual", "manual", TwoLegOutcome.Running, [], [TwoLegPhase.Passive], [], false, null, [],
            DateTimeOffset.UnixEpoch, null, null);
        var (kind, data) = EventDocument.Of(new EngineEvent.ArbChanged(view, DateTimeOffset.UnixEpoch),
            new ControlContext(_engine, ControlToken.Resolve(Token, Path.GetTempPath()), "paper", "aster", TimeSpan.FromSeconds(30)));
        Assert.Equal("arb", kind);
        Assert.Equal(("arb-1", "running", "passive"), (data["id"]!.GetValue<string>(), data["outcome"]!.GetValue<string>(), data["phases"]![0]!.GetValue<string>()));
    }
}
