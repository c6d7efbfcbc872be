namespace Fillwise.Venues.Lighter;

/// <summary>
/// Where a Lighter-compatible venue is: its REST base (paths /api/v1/... follow) and its stream.
/// "lighter" names Lighter's mainnet; a URL such as http://127.0.0.1:9000/lighter names a built-in
/// venue (its stream, ws://127.0.0.1:9000/lighter/stream, follows from it).
/// </summary>
public sealed record LighterEndpoints(Uri Rest, Uri WebSocket)
{
    public const string ProductionName = "lighter";

    public static LighterEndpoints Production { get; } = new(LighterClientOptions.ProductionRest, LighterClientOptions.ProductionWebSocket);

    /// <summary>
    /// Real Lighter (mainnet or testnet, both on zklighter.elliot.ai): its transactions need Lighter's
    /// own signer (Schnorr over Poseidon2), which this client does not carry (README).
    /// </summary>
    public bool IsRealLighter => Rest.Host.EndsWith("zklighter.elliot.ai", StringComparison.OrdinalIgnoreCase)
        || WebSocket.Host.EndsWith("zklighter.elliot.ai", StringComparison.OrdinalIgnoreCase);

    public LighterClientOptions Options(TimeProvider time, int seed) => new()
    {
        RestBaseUrl = Rest,
        WebSocketUrl = WebSocket,
        TimeProvider = time,
        Seed = seed,
    };

    /// <summary>
    /// "lighter", or an http(s) URL (a trailing /api/v1 or slash is dropped); <paramref name="webSocket"/>
    /// overrides the derived stream URL (ws or wss).
    /// </summary>
    public static bool TryParse(string? text, string? webSocket, out LighterEndpoints endpoints, out string problem)
    {
        endpoints = Production;
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "must be 'lighter' or a Lighter REST base such as http://127.0.0.1:9000/lighter";
            return false;
        }
        Uri rest;
        if (text == ProductionName) rest = Production.Rest;
        else if (!Uri.TryCreate(text, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(given.Query))
        {
            problem = $"'{text}' must be 'lighter' or an http(s) URL such as http://127.0.0.1:9000/lighter";
            return false;
        }
        else
        {
            var path = given.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/api/v1", StringComparison.Ordinal)) path = path[..^"/api/v1".Length];
            rest = new UriBuilder(given) { Path = path.Length == 0 ? "/" : path }.Uri;
        }

        Uri ws;
        if (!string.IsNullOrWhiteSpace(webSocket))
        {
            if (!Uri.TryCreate(webSocket, UriKind.Absolute, out var w) || w.Scheme is not ("ws" or "wss"))
            {
                problem = $"stream URL '{webSocket}' must be a ws:// or wss:// URL";
                return false;
            }
            ws = w;
        }
        else if (text == ProductionName || rest.Host == Production.Rest.Host) ws = Production.WebSocket;
        else
        {
            // The built-in venue serves its stream beside its REST paths: .../lighter -> .../lighter/stream.
            var path = rest.AbsolutePath.TrimEnd('/') + "/stream";
            ws = new UriBuilder(rest) { Scheme = rest.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
        }
        endpoints = new LighterEndpoints(rest, ws);
        return true;
    }
}
