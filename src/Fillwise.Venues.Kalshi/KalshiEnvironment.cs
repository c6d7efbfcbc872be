namespace Fillwise.Venues.Kalshi;

/// <summary>
/// Where a Kalshi-compatible venue lives: production, demo, or any base URL (the built-in exchange).
/// The REST base always ends in /trade-api/v2 and that prefix is part of every signed path.
/// </summary>
public sealed record KalshiEnvironment
{
    public const string ProductionName = "kalshi";
    public const string DemoName = "kalshi-demo";

    public static readonly KalshiEnvironment Production = new(
        ProductionName,
        new Uri("https://external-api.kalshi.com/trade-api/v2"),
        new Uri("wss://external-api-ws.kalshi.com/trade-api/ws/v2"));

    public static readonly KalshiEnvironment Demo = new(
        DemoName,
        new Uri("https://external-api.demo.kalshi.co/trade-api/v2"),
        new Uri("wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2"));

    private KalshiEnvironment(string name, Uri restBase, Uri webSocket)
    {
        Name = name;
        RestBase = restBase;
        WebSocket = webSocket;
    }

    public string Name { get; }

    /// <summary>e.g. https://external-api.kalshi.com/trade-api/v2 (no trailing slash).</summary>
    public Uri RestBase { get; }

    /// <summary>e.g. wss://external-api-ws.kalshi.com/trade-api/ws/v2.</summary>
    public Uri WebSocket { get; }

    public bool IsProduction => ReferenceEquals(this, Production) || RestBase.Host.Equals(Production.RestBase.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>The path prefix that is signed and prepended to every REST path ("/trade-api/v2").</summary>
    public string RestPathPrefix => RestBase.AbsolutePath.TrimEnd('/');

    /// <summary>The path signed for the WebSocket upgrade ("/trade-api/ws/v2").</summary>
    public string WebSocketPath => WebSocket.AbsolutePath.TrimEnd('/');

    /// <summary>
    /// "kalshi", "kalshi-demo", or an http(s) base URL ending in /trade-api/v2; the WebSocket URL of
    /// a custom base is derived (http→ws, https→wss, /trade-api/v2 → /trade-api/ws/v2).
    /// </summary>
    public static KalshiEnvironment Parse(string venue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(venue);
        var text = venue.Trim();
        if (text.Equals(ProductionName, StringComparison.OrdinalIgnoreCase)) return Production;
        if (text.Equals(DemoName, StringComparison.OrdinalIgnoreCase)) return Demo;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"venue '{venue}' is neither 'kalshi', 'kalshi-demo' nor an http(s) URL", nameof(venue));
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new ArgumentException($"venue URL '{venue}' must not carry a query or fragment", nameof(venue));

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0) path = "/trade-api/v2"; // a bare host means the standard layout
        if (!path.EndsWith("/trade-api/v2", StringComparison.Ordinal))
            throw new ArgumentException($"venue URL '{venue}' must end in /trade-api/v2", nameof(venue));

        var root = path[..^"/trade-api/v2".Length];
        var rest = new UriBuilder(uri) { Path = path }.Uri;
        var ws = new UriBuilder(uri)
        {
            Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = root + "/trade-api/ws/v2",
            Port = uri.IsDefaultPort ? -1 : uri.Port,
        }.Uri;
        return new KalshiEnvironment(rest.GetLeftPart(UriPartial.Authority), rest, ws);
    }

    /// <summary>The absolute URL for a path relative to the REST base ("/portfolio/orders?limit=5").</summary>
    public Uri RestUri(string relativePathAndQuery)
    {
        if (!relativePathAndQuery.StartsWith('/'))
            throw new ArgumentException("relative path must start with '/'", nameof(relativePathAndQuery));
        return new Uri(RestBase.GetLeftPart(UriPartial.Authority) + RestPathPrefix + relativePathAndQuery);
    }

    public override string ToString() => $"{Name} ({RestBase})";
}
