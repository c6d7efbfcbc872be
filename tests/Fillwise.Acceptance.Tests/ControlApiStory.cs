using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Values;

namespace Fillwise.Acceptance.Tests;

/// <summary>A person drives the engine through its control API; the venue is the built-in exchange over loopback.</summary>
public sealed class ControlApiStory
{
    [Fact]
    public async Task An_order_and_a_manual_close_through_the_control_api_match_the_venue()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        const string token = "acceptance-control-token-0123456789";
        await using var host = await ControlHost.StartAsync(new ControlContext(trader.Engine, ControlToken.Resolve(token, world.DataDirectory), "paper", "kalshi", TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await world.RestAsync(BookSide.Ask, "0.45", 30);
        var placed = await http.PostAsync(new Uri("/api/v1/orders", UriKind.Relative), new StringContent(
            $$"""{"ticker":"{{AcceptanceWorld.Ticker}}","side":"yes","count":"40.00","limit_price_dollars":"0.4500","stop_loss_dollars":"0.2000","fill_timeout_s":2}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        var outcome = JsonNode.Parse(await placed.Content.ReadAsStringAsync())!;
        Assert.Equal("partial", outcome["outcome"]!.GetValue<string>());
        Assert.Equal("30.00", outcome["filled"]!.GetValue<string>());

        // Someone bids 0.50 for 30: a manual close sells there through the stop-loss path.
        await world.RestAsync(BookSide.Bid, "0.50", 30);
        await Eventually.TrueAsync(() => Task.FromResult(trader.Connection.Venue.GetQuote(AcceptanceWorld.Outcome())?.BestBid is not null), "the engine saw the bid");
        var closed = await http.PostAsync(new Uri($"/api/v1/positions/{AcceptanceWorld.Ticker}/close", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("filled", JsonNode.Parse(await closed.Content.ReadAsStringAsync())!["outcome"]!.GetValue<string>());

        var state = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/v1/state", UriKind.Relative)))!;
        Assert.Empty(state["positions"]!.AsArray());
        var position = state["closed_positions"]!.AsArray().Single()!;
        Assert.Equal("0.00", position["contracts"]!.GetValue<string>());
        Assert.Equal("40.00", position["requested_contracts"]!.GetValue<string>());
        var exit = position["exits"]!.AsArray().Single()!;
        Assert.Equal("30.00", exit["count"]!.GetValue<string>());
        Assert.Equal("1.5000", exit["gross_pnl_dollars"]!.GetValue<string>()); // 30 x (0.50 - 0.45)

        var venue = await world.TraderOnVenueAsync();
        var venuePosition = venue.Positions.Single();
        Assert.Equal(0m, venuePosition.Position);
        Assert.Equal(Money.Parse(exit["gross_pnl_dollars"]!.GetValue<string>()), venuePosition.RealizedPnl);
        Assert.Equal(0, venue.RestingOrders);
    }
}
