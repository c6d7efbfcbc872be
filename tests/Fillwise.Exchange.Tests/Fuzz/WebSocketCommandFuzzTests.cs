using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Server.WebSockets;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>
/// WebSocket commands, random and broken, straight into a session's command reader: every one gets
/// an answer in Kalshi's frame shapes, never "Internal error" (code 17), and the subscriptions it
/// leaves behind still serve.
/// </summary>
public sealed class WebSocketCommandFuzzTests
{
    [Fact]
    public void Random_and_broken_commands_are_answered_in_kalshis_shapes_and_never_as_internal_errors()
    {
        var commands = 0;
        FuzzRun.Run("websocket command fuzz", baseSeed: 25_000, sessions: 6, (random, _) =>
        {
            var v = new FuzzValues(random);
            var h = new ExchangeHarness();
            var session = new WebSocketSession("fuzz-user", capacity: 1_000_000, h.Clock);
            var tickers = new[] { ExchangeHarness.Ticker.Value, "KXNOPE", "", " ", "KX\u202E", new string('K', 300) };
            for (var i = 0; i < 400; i++)
            {
                var command = Command(v, tickers);
                session.HandleCommand(h.Exchange, command);
                commands++;
                while (session.Outbound.TryRead(out var frame))
                {
                    var reply = JsonNode.Parse(frame)!.AsObject();
                    var type = (string?)reply["type"];
                    Assert.True(type is "subscribed" or "unsubscribed" or "ok" or "error" or "orderbook_snapshot", $"{Encoding.UTF8.GetString(command)} -> {reply.ToJsonString()}");
                    if (type == "error")
                        Assert.True((int)reply["msg"]!["code"]! != 17, $"internal error for {Convert.ToHexString(command)}");
                }
            }
            // Whatever the commands did, the subscriptions left serve a book change.
            session.HandleCommand(h.Exchange, """{"id":1,"cmd":"list_subscriptions"}"""u8);
            Assert.True(session.Outbound.TryRead(out var list));
            Assert.Equal("ok", (string?)JsonNode.Parse(list)!["type"]);
        });
        Assert.True(commands >= 2_000);
    }

    private static byte[] Command(FuzzValues v, string[] tickers)
    {
        if (v.Chance(15)) return v.Bytes(120);
        JsonNode? Value() => v.Weighted<JsonNode?>(
            (3, () => v.Pick(tickers)),
            (1, () => v.Random.Next(-3, 10)),
            (1, () => JsonNode.Parse("1e400")),
            (1, () => null),
            (1, () => new JsonArray(v.Pick(tickers), 3)),
            (1, () => "__LONE__"));
        var parameters = new JsonObject();
        if (v.Chance(80)) parameters["channels"] = v.Chance(80)
            ? new JsonArray([.. Enumerable.Range(0, v.Random.Next(0, 4)).Select(_ => (JsonNode?)v.Pick(["orderbook_delta", "ticker", "trade", "fill", "user_orders", "market_positions", "market_lifecycle_v2", "nope"]))])
            : Value();
        if (v.Chance(50)) parameters["market_tickers"] = v.Chance(70) ? new JsonArray([.. Enumerable.Range(0, v.Random.Next(0, 3)).Select(_ => Value())]) : Value();
        if (v.Chance(30)) parameters["market_ticker"] = Value();
        if (v.Chance(30)) parameters["sids"] = v.Chance(70) ? new JsonArray(v.Random.Next(-1, 6)) : Value();
        if (v.Chance(30)) parameters["sid"] = v.Chance(70) ? v.Random.Next(-1, 6) : Value();
        if (v.Chance(30)) parameters["action"] = v.Pick<JsonNode?>(["add_markets", "delete_markets", "get_snapshot", "fly", 1]);
        if (v.Chance(10)) parameters["use_yes_price"] = v.Chance(50);
        var command = new JsonObject
        {
            ["id"] = v.Chance(90) ? v.Random.Next(1, 1000) : Value(),
            ["cmd"] = v.Pick<JsonNode?>(["subscribe", "subscribe", "unsubscribe", "update_subscription", "list_subscriptions", "dance", 7]),
            ["params"] = v.Chance(90) ? parameters : Value(),
        };
        var text = command.ToJsonString().Replace("__LONE__", "\\udc00", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        return v.Chance(10) ? bytes[..v.Random.Next(bytes.Length)] : bytes;
    }
}
