using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Cli;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Server;
using Fillwise.Storage;
using Fillwise.Venues.Kalshi;
using Xunit.Abstractions;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Issue 10's chaos: the engine runs as its own process (`fillwise run`) against the built-in exchange
/// with faults on (5xx, 429, dropped answers, WebSocket cuts) while orders are placed, partly filled
/// and exited through its control API; the test kills it with SIGKILL at random moments twenty
/// times and starts it again each time. At the end the market settles, the engine books it, and the
/// journal and the venue must agree exactly: contracts per market, realized PnL to the cent, no
/// client order id twice, nothing resting, and a report-only reconciliation that finds nothing.
/// Seeded (FILLWISE_CHAOS_SEED); the seed is printed on failure.
/// </summary>
public sealed class ChaosStory(ITestOutputHelper log)
{
    private const string Token = "chaos-control-token-0123456789abcdef";
    private const int Kills = 20;

    [Fact]
    public async Task Twenty_kill_9s_under_faults_leave_the_journal_and_the_venue_in_exact_agreement()
    {
        if (OperatingSystem.IsWindows()) return;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FILLWISE_CHAOS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 20261130;
        var rng = new Random(seed);
        var transcript = new StringBuilder();
        try
        {
            await RunAsync(rng, transcript);
        }
        catch (Exception e)
        {
            log.WriteLine($"chaos seed {seed} (replay with FILLWISE_CHAOS_SEED={seed})");
            log.WriteLine(transcript.ToString());
            throw new InvalidOperationException($"chaos failed with seed {seed}: {e.Message}", e);
        }
    }

    private async Task RunAsync(Random rng, StringBuilder transcript)
    {
        await using var world = await AcceptanceWorld.StartAsync();
        var keyFile = Path.Combine(world.DataDirectory, "trader.pem");
        await File.WriteAllTextAsync(keyFile, world.TraderAccount.PrivateKeyPem);
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/v1/"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        await world.Admin.SetFaultsAsync(new FaultSettings(Http5xxRate: 0.05, Http429Rate: 0.02, DropResponseRate: 0.03, WsDisconnectEverySeconds: 2));
        var clock = Stopwatch.StartNew();
        for (var cycle = 0; cycle < Kills; cycle++)
        {
            await ProvideLiquidityAsync(world, rng);
            using var engine = StartEngine(world, keyFile, port, transcript, cycle);
            if (!await ReadyAsync(http, engine, TimeSpan.FromSeconds(40), transcript))
                throw new InvalidOperationException($"cycle {cycle}: the engine did not become ready");
            // Orders and closes fired at once: the kill lands in the middle of some of them.
            var actions = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => ActAsync(http, rng.Next(), transcript)).ToList();
            await Task.Delay(rng.Next(200, 1500));
            engine.Process.Kill(); // SIGKILL
            await engine.Process.WaitForExitAsync();
            await Task.WhenAll(actions.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));
            transcript.AppendLine(CultureInfo.InvariantCulture, $"cycle {cycle}: killed at {clock.Elapsed.TotalSeconds:0.0}s");
        }

        // The storm ends: no faults, the market settles, the engine books it and stops cleanly.
        await world.Admin.SetFaultsAsync(FaultSettings.None);
        using (var last = StartEngine(world, keyFile, port, transcript, Kills))
        {
            if (!await ReadyAsync(http, last, TimeSpan.FromSeconds(40), transcript)) throw new InvalidOperationException("the last start did not become ready");
            await world.Admin.SettleMarketAsync(AcceptanceWorld.Ticker, OutcomeSide.Yes);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                var state = JsonNode.Parse(await http.GetStringAsync(new Uri("state", UriKind.Relative)))!;
                if (state["positions"]!.AsArray().Count == 0 && state["open_orders"]!.AsArray().Count == 0) break;
                await Task.Delay(200);
            }
            using (var term = Process.Start("kill", ["-TERM", last.Process.Id.ToString(CultureInfo.InvariantCulture)])!) await term.WaitForExitAsync();
            await last.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, last.Process.ExitCode);
        }

        // A report-only reconciliation of the journal against the venue finds nothing.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(["reconcile", "--venue-url", world.Exchange.RestBaseUrl, "--key-id", world.TraderAccount.ApiKeyId,
            "--private-key-file", keyFile, "--data", world.DataDirectory], output, error);
        if (code != ExitCodes.Ok)
        {
            var all = await world.Connect(world.TraderAccount).Rest.GetOrdersAsync(new KalshiOrderQuery(Ticker: AcceptanceWorld.Ticker));
            foreach (var o in all) transcript.AppendLine(CultureInfo.InvariantCulture, $"  venue order {o.OrderId} {o.ClientOrderId} {o.Status} {o.FillCount}/{o.InitialCount} {o.BookSide} {o.YesPrice}");
            await using var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(world.DataDirectory));
            foreach (var unfinished in await journal.GetUnfinishedOrdersAsync())
                transcript.AppendLine(CultureInfo.InvariantCulture,
                    $"  journal: unfinished {unfinished.Intent.Record.ClientOrderId}: {string.Join("; ", unfinished.Events.Select(e => $"{e.Record.Kind} {e.Record.PayloadJson}"))}");
        }
        Assert.True(code == ExitCodes.Ok, $"reconcile exit {code}:\n{output}\n{error}");

        // Contracts, resting orders and realized PnL to the cent, against the venue's own account.
        var venue = await world.TraderOnVenueAsync();
        Assert.Equal(0, venue.RestingOrders);
        var onVenue = venue.Positions.Single(p => p.Ticker == AcceptanceWorld.Ticker);
        Assert.Equal(0m, onVenue.Position);
        await using (var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(world.DataDirectory)))
        {
            var realized = await journal.GetRealizedByInstrumentAsync();
            var ours = realized.Where(r => KalshiInstruments.TryParse(r.Key, out var t, out _) && t == AcceptanceWorld.Ticker).Aggregate(Money.Zero, (sum, r) => sum + r.Value.Gross);
            transcript.AppendLine(CultureInfo.InvariantCulture, $"realized: engine {ours}, venue {onVenue.RealizedPnl}");
            Assert.Equal(Math.Round(onVenue.RealizedPnl.Dollars, 2), Math.Round(ours.Dollars, 2));
        }

        // No client order id twice on the venue.
        var trader = world.Connect(world.TraderAccount);
        var orders = await trader.Rest.GetOrdersAsync(new KalshiOrderQuery(Ticker: AcceptanceWorld.Ticker));
        var ids = orders.Where(o => o.ClientOrderId is not null).Select(o => o.ClientOrderId!.Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        transcript.AppendLine(CultureInfo.InvariantCulture, $"{orders.Count} orders on the venue, {ids.Count} with our ids, all distinct");
        log.WriteLine(transcript.ToString());
    }

    /// <summary>A second account keeps both sides of the book stocked in small sizes, so entries and exits fill in parts.</summary>
    private static async Task ProvideLiquidityAsync(AcceptanceWorld world, Random rng)
    {
        for (var i = 0; i < 3; i++)
        {
            var price = (0.40m + rng.Next(0, 15) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            try
            {
                await world.RestAsync(i % 2 == 0 ? BookSide.Ask : BookSide.Bid, price, rng.Next(2, 12));
            }
            catch (KalshiApiException)
            {
                // A fault hit the maker: the book is a little thinner this cycle.
            }
        }
    }

    private static async Task ActAsync(HttpClient http, int seed, StringBuilder transcript)
    {
        var rng = new Random(seed);
        try
        {
            if (rng.Next(10) < 6)
            {
                var price = 0.40m + rng.Next(0, 15) / 100m;
                var body = $$"""{"ticker":"{{AcceptanceWorld.Ticker}}","side":"{{(rng.Next(2) == 0 ? "yes" : "no")}}","count":"{{rng.Next(1, 15)}}.00","limit_price_dollars":"{{price.ToString("0.00", CultureInfo.InvariantCulture)}}","stop_loss_dollars":"{{(price - 0.05m).ToString("0.00", CultureInfo.InvariantCulture)}}","fill_timeout_s":{{rng.Next(1, 3)}}}""";
                using var response = await http.PostAsync(new Uri("orders", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
                var answer = await response.Content.ReadAsStringAsync();
                lock (transcript) transcript.AppendLine(CultureInfo.InvariantCulture, $"  order -> {(int)response.StatusCode} {answer}");
            }
            else
            {
                using var response = await http.PostAsync(new Uri($"positions/{AcceptanceWorld.Ticker}/close", UriKind.Relative), null);
                lock (transcript) transcript.AppendLine(CultureInfo.InvariantCulture, $"  close -> {(int)response.StatusCode}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The engine died under the request: exactly what this test is about.
        }
    }

    private static EngineProcess StartEngine(AcceptanceWorld world, string keyFile, int port, StringBuilder transcript, int cycle)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = world.DataDirectory };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fillwise.dll"), "run", "--venue-url", world.Exchange.RestBaseUrl,
                     "--key-id", world.TraderAccount.ApiKeyId, "--private-key-file", keyFile, "--data", world.DataDirectory,
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--control-token", Token })
            info.ArgumentList.Add(a);
        // Short-lived orders, so that a kill often finds one in flight and a restart follows it.
        info.Environment["FILLWISE__Confirmation__EntryTimeoutSeconds"] = "2";
        info.Environment["FILLWISE__Confirmation__ExitTimeoutSeconds"] = "1";
        info.Environment["FILLWISE__Logging__Level"] = "Warning";
        // This story is about crashes, not risk: its random trading must not trip the kill switch's
        // loss conditions, nor run into the position limits (RiskStory covers those). API errors stay on.
        info.Environment["FILLWISE__Risk__MaxConsecutiveLosses"] = "0";
        info.Environment["FILLWISE__Risk__DailyLossLimitDollars"] = "0";
        info.Environment["FILLWISE__Risk__BalanceDropPercent"] = "0";
        info.Environment["FILLWISE__Risk__MaxPositions"] = "50";
        info.Environment["FILLWISE__Risk__MaxOpenOrders"] = "50";
        info.Environment["FILLWISE__Risk__MaxContractsPerMarket"] = "100000";
        var process = Process.Start(info)!;
        void Capture(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (transcript) transcript.AppendLine(CultureInfo.InvariantCulture, $"  [{cycle}] {e.Data}");
        }
        process.OutputDataReceived += Capture;
        process.ErrorDataReceived += Capture;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new EngineProcess(process);
    }

    private static async Task<bool> ReadyAsync(HttpClient http, EngineProcess engine, TimeSpan within, StringBuilder transcript)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "no answer";
        while (DateTime.UtcNow < deadline && !engine.Process.HasExited)
        {
            try
            {
                var state = JsonNode.Parse(await http.GetStringAsync(new Uri("state", UriKind.Relative)))!;
                if (state["reconciliation"]!.AsArray().Count > 0 && state["trading_state"]!.GetValue<string>() == "active") return true;
                last = $"{state["trading_state"]}: {state["trading_state_reason"]}";
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        lock (transcript) transcript.AppendLine(CultureInfo.InvariantCulture, $"  not ready: {last}");
        return false;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class EngineProcess(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }
}
