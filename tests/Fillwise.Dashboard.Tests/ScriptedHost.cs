using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Engine;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.Dashboard.Tests;

/// <summary>The engine on a scripted venue behind a control host, in any mode: for what the page does that needs no exchange.</summary>
internal sealed class ScriptedHost : IAsyncDisposable
{
    private ScriptedHost(TradingEngine engine, ControlHost host)
    {
        Engine = engine;
        Host = host;
    }

    public TradingEngine Engine { get; }
    public ControlHost Host { get; }
    public string StartUrl => $"{Host.BaseUrl}?token={DashboardWorld.Token}";

    public static async Task<ScriptedHost> StartAsync(string mode)
    {
        var engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(new ScriptedVenue("kalshi"))]), new InMemoryJournal(), TimeProvider.System);
        await engine.StartAsync(CancellationToken.None);
        var host = await ControlHost.StartAsync(new ControlContext(engine, ControlToken.Resolve(DashboardWorld.Token, Path.GetTempPath()), mode, "kalshi",
            TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        return new ScriptedHost(engine, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
