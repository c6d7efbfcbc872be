using Fillwise.App.Control;
using Fillwise.App.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

/// <summary>The engine's HTTP face on 127.0.0.1: the control API and the dashboard.</summary>
public sealed class ControlHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EngineHistory _history;

    private ControlHost(WebApplication app, EngineHistory history, Uri baseUrl)
    {
        _app = app;
        _history = history;
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
        var history = EngineHistory.Start(context);
        app.MapControlApi(context, history);
        // The dashboard holds no data and no secret: it reads the API with the token its start URL carried.
        app.MapDashboard();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await history.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
        // The page's files are compressed once per process, and the first /state is compiled on first
        // use: both now, in the background, not on the first visitor's clock.
        _ = Task.Run(() =>
        {
            _ = DashboardAssets.All.Count;
            _ = StateDocument.Build(context.Engine.Snapshot(), context.Mode, context.PrimaryVenue, context.Engine.KnownInstrument).ToJsonString();
        }, CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlHost(app, history, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _history.DisposeAsync();
    }
}
