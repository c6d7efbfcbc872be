using Fillwise.Domain.Orders;
using System.Diagnostics;
using System.Security.Cryptography;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

/// <summary>A fresh data folder per test, removed afterwards (read-only marks and immutable flags undone first).</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fillwise-journal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, SqliteJournalOptions.DatabaseFileName);

    public void Dispose()
    {
        if (!Directory.Exists(Path))
            return;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var file in Directory.EnumerateFiles(Path))
            {
                Immutable.TrySet(file, on: false);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        Directory.Delete(Path, recursive: true);
    }
}

internal static class Immutable
{
    /// <summary>chattr +i / -i: a flag even root cannot write through. False when chattr is missing or refused.</summary>
    public static bool TrySet(string path, bool on)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [on ? "+i" : "-i", path])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (process is null)
                return false;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

internal static class Journals
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 30, 0, TimeSpan.Zero);

    public static SqliteJournalOptions Options(TempDataDirectory dir, TimeProvider? time = null) =>
        new(dir.Path) { Time = time ?? new ManualTimeProvider(T0) };

    public static Task<SqliteJournal> OpenAsync(TempDataDirectory dir, TimeProvider? time = null) =>
        SqliteJournal.OpenAsync(Options(dir, time));

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public static JournalIntent Intent(string id, string price = "0.4500", string count = "50.00", OrderPurpose purpose = OrderPurpose.Entry) => new(
        new ClientOrderId(id),
        Instrument,
        OrderSide.Buy,
        Quantity.Parse(count),
        Price.Parse(price),
        purpose,
        "whale-follower",
        "followed whale 0xabc",
        """{"whale":"0xabc","signal":0.82}""",
        T0.AddSeconds(1),
        purpose == OrderPurpose.Entry ? new PositionId(id) : null);

    public static readonly InstrumentId Instrument = new("kalshi", "KXTEST-26JAN01-T50:yes");

    public static JournalFill Fill(string tradeId, string? clientOrderId = "coid-1", string count = "20.00", string price = "0.4500", string fee = "0.017500") => new(
        new TradeId(tradeId),
        clientOrderId is null ? null : new ClientOrderId(clientOrderId),
        new VenueOrderId("venue-" + (clientOrderId ?? "external")),
        Instrument,
        OrderSide.Buy,
        Quantity.Parse(count),
        Price.Parse(price),
        Money.Parse(fee),
        IsTaker: true,
        T0.AddSeconds(2));
}
