using Fillwise.App.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

/// <summary>The engine's HTTP face on 127.0.0.1: the control API (and, later, the dashboard).</summary>
public sealed class ControlHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ControlHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. http://127.0.0.1:5080</summary>
    public Uri BaseUrl { get; }

    public static async Task<ControlHost> StartAsync(ControlContext context, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = ControlApi.MaxBodyBytes;
            k.Listen(System.Net.IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.MapControlApi(context);
        // The dashboard page holds no data and no secret: it reads /api/v1/state with the token from its URL.
        var page = DashboardPage.Value;
        app.MapGet("/", () => Microsoft.AspNetCore.Http.Results.Content(page, "text/html; charset=utf-8"));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlHost(app, new Uri(address));
    }

    private static readonly Lazy<string> DashboardPage = new(() =>
    {
        using var stream = typeof(ControlHost).Assembly.GetManifestResourceStream("Fillwise.Dashboard.index.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
