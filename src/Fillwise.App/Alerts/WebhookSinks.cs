using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Fillwise.Engine.Alerts;

namespace Fillwise.App.Alerts;

/// <summary>
/// Alerts to a Discord channel through its webhook: Discord's JSON body (a line of content and one
/// embed with title, fields, colour and time). The webhook address holds a token: it is never
/// logged, never put in an error, never shown.
/// </summary>
public sealed class DiscordWebhookSink(HttpClient http, Uri webhook) : IAlertSink
{
    public string Name => "discord";

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        using var response = await http.PostAsJsonAsync(webhook, Body(alert), cancellationToken);
        // The status only: Discord's answer could echo the request, and the request's address is a secret.
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"discord answered HTTP {(int)response.StatusCode}");
    }

    public static JsonObject Body(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var icon = alert.Severity switch { AlertSeverity.Critical => "\U0001F6D1", AlertSeverity.Warning => "\u26A0\uFE0F", _ => "\u2139\uFE0F" };
        return new JsonObject
        {
            ["content"] = $"{icon} {Trim(alert.Title, 1900)}",
            ["embeds"] = new JsonArray(new JsonObject
            {
                ["title"] = Trim(alert.Title, 256),
                ["color"] = Colour(alert.Severity),
                ["timestamp"] = alert.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["fields"] = new JsonArray(alert.Fields.Take(25).Select(f => (JsonNode?)new JsonObject
                {
                    ["name"] = Trim(f.Key, 256),
                    ["value"] = Trim(string.IsNullOrEmpty(f.Value) ? "-" : f.Value, 1024),
                    ["inline"] = false,
                }).ToArray()),
                ["footer"] = new JsonObject { ["text"] = $"Fillwise · {alert.Kind} · {Alert.Wire(alert.Severity)}" },
            }),
        };
    }

    /// <summary>Red, orange, blue.</summary>
    public static int Colour(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => 0xE74C3C,
        AlertSeverity.Warning => 0xF39C12,
        _ => 0x3498DB,
    };

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>Alerts as plain JSON to any webhook: `{"severity","kind","title","fields":{...},"time","source":"fillwise"}`.</summary>
public sealed class JsonWebhookSink(HttpClient http, Uri webhook) : IAlertSink
{
    public string Name => "webhook";

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(webhook, Body(alert), cancellationToken);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"the webhook answered HTTP {(int)response.StatusCode}");
    }

    public static JsonObject Body(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var fields = new JsonObject();
        foreach (var f in alert.Fields) fields[f.Key] = f.Value;
        return new JsonObject
        {
            ["source"] = "fillwise",
            ["severity"] = Alert.Wire(alert.Severity),
            ["kind"] = alert.Kind,
            ["title"] = alert.Title,
            ["fields"] = fields,
            ["time"] = alert.Time.ToString("O", CultureInfo.InvariantCulture),
        };
    }
}
