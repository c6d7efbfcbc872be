namespace Fillwise.Venues.Aster;

/// <summary>
/// Where an Aster-compatible venue is: its futures REST base (ending in /fapi) and its WebSocket
/// base. "aster" names production; a URL such as http://127.0.0.1:9000/aster/fapi names a built-in
/// venue (its WebSocket base, ws://127.0.0.1:9000/aster/ws, follows from it).
/// </summary>
public sealed record AsterEndpoints(Uri Rest, Uri WebSocket)
{
    public const string ProductionName = "aster";

    public static AsterEndpoints Production { get; } = new(AsterClientOptions.ProductionRest, AsterClientOptions.ProductionWebSocket);

    /// <summary>Real money: Aster's own hosts.</summary>
    public bool IsProduction => Rest.Host.EndsWith("asterdex.com", StringComparison.OrdinalIgnoreCase);

    public AsterClientOptions Options(TimeProvider time, int seed) => new()
    {
        RestBaseUrl = Rest,
        WebSocketBaseUrl = WebSocket,
        TimeProvider = time,
        Seed = seed,
    };

    /// <summary>
    /// "aster", or an http(s) URL whose path ends in /fapi (a trailing /v3 or slash is dropped);
    /// <paramref name="webSocket"/> overrides the derived WebSocket base (ws or wss).
    /// </summary>
    public static bool TryParse(string? text, string? webSocket, out AsterEndpoints endpoints, out string problem)
    {
        endpoints = Production;
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "must be 'aster' or the futures REST base ending in /fapi, such as http://127.0.0.1:9000/aster/fapi";
            return false;
        }
        Uri rest;
        if (text == ProductionName) rest = Production.Rest;
        else if (!Uri.TryCreate(text, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(given.Query))
        {
            problem = $"'{text}' must be 'aster' or an http(s) URL such as http://127.0.0.1:9000/aster/fapi";
            return false;
        }
        else
        {
            var path = given.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/v3", StringComparison.Ordinal)) path = path[..^3];
            if (!path.EndsWith("/fapi", StringComparison.Ordinal))
            {
                problem = $"'{text}' must be Aster's futures REST base, ending in /fapi (such as http://127.0.0.1:9000/aster/fapi)";
                return false;
            }
            rest = new UriBuilder(given) { Path = path }.Uri;
        }

        Uri ws;
        if (!string.IsNullOrWhiteSpace(webSocket))
        {
            if (!Uri.TryCreate(webSocket, UriKind.Absolute, out var w) || w.Scheme is not ("ws" or "wss"))
            {
                problem = $"WebSocket base '{webSocket}' must be a ws:// or wss:// URL";
                return false;
            }
            ws = w;
        }
        else if (text == ProductionName || rest == Production.Rest) ws = Production.WebSocket;
        else
        {
            // The built-in venue serves its streams beside /fapi: .../aster/fapi -> .../aster/ws.
            var path = rest.AbsolutePath[..^"/fapi".Length] + "/ws";
            ws = new UriBuilder(rest) { Scheme = rest.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
        }
        endpoints = new AsterEndpoints(rest, ws);
        return true;
    }
}
