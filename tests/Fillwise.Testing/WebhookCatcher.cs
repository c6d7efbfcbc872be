using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Fillwise.Testing;

/// <summary>
/// A local HTTP endpoint on 127.0.0.1 that keeps every JSON body posted to it (an alert sink's
/// Discord or webhook end), answering 204, or 500 for the first <c>failFirst</c> posts.
/// </summary>
public sealed class WebhookCatcher : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failures;

    public WebhookCatcher(string path = "/hook/", int failFirst = 0)
    {
        _failures = failFirst;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{port}{path}");
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{port}{path}secret-webhook-token-0123456789");
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Where to post; its last segment stands for the secret token a real webhook address carries.</summary>
    public Uri Url { get; }

    private readonly List<JsonNode> _bodies = [];

    public IReadOnlyList<JsonNode> Bodies
    {
        get { lock (_bodies) return _bodies.ToList(); }
    }

    public int Posts { get; private set; }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding);
            var text = await reader.ReadToEndAsync();
            Posts++;
            if (Interlocked.Decrement(ref _failures) >= 0)
            {
                context.Response.StatusCode = 500;
            }
            else
            {
                lock (_bodies) _bodies.Add(JsonNode.Parse(text)!);
                context.Response.StatusCode = 204;
            }
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
