using Fillwise.App.Alerts;
using Fillwise.Engine.Alerts;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Alerts;

public sealed class WebhookSinkTests
{
    private static readonly Alert Kill = new(AlertSeverity.Critical, "kill_switch", "KILL SWITCH ACTIVATED: daily_loss_limit",
        [new("Reason", "daily loss of 120 reached the limit of 100")], new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_generic_webhook_gets_one_json_object_with_the_alerts_fields_and_never_its_own_secret_address()
    {
        await using var hook = new WebhookCatcher();
        using var http = new HttpClient();
        await new JsonWebhookSink(http, hook.Url).SendAsync(Kill, CancellationToken.None);
        var body = Assert.Single(hook.Bodies);
        Assert.Equal(("fillwise", "critical", "kill_switch", "KILL SWITCH ACTIVATED: daily_loss_limit"),
            ((string?)body["source"], (string?)body["severity"], (string?)body["kind"], (string?)body["title"]));
        Assert.Equal("daily loss of 120 reached the limit of 100", (string?)body["fields"]!["Reason"]);
        Assert.Equal("2026-11-30T12:00:00.0000000+00:00", (string?)body["time"]);
        Assert.DoesNotContain("secret-webhook-token", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_webhook_says_its_status_and_not_its_address()
    {
        await using var hook = new WebhookCatcher(failFirst: 1);
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => new DiscordWebhookSink(http, hook.Url).SendAsync(Kill, CancellationToken.None));
        Assert.DoesNotContain("secret-webhook-token", e.Message, StringComparison.Ordinal);
    }
}
