using Fillwise.Domain.Orders;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Storage;

namespace Fillwise.Benchmarks;

/// <summary>
/// Durable intents per second through the SQLite journal's group commit, beside this disk's raw
/// fsync rate. Without group commit the journal could not beat the fsync rate (one fsync per
/// intent); with it, many intents share each fsync. Read the Op/s column.
/// </summary>
[Config(typeof(OpsPerSecondConfig))]
public class JournalBenchmarks
{
    private const int IntentsPerInvoke = Writers * 320;
    private const int Writers = 64;
    private const int FsyncsPerInvoke = 200;
    private const int SoloIntentsPerInvoke = 200;

    private string _directory = string.Empty;
    private SqliteJournal _journal = null!;
    private FileStream _fsyncFile = null!;
    private readonly byte[] _record = new byte[128];
    private long _nextId;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Same disk as any data folder under /tmp, so the two numbers are comparable.
        _directory = Path.Combine(Path.GetTempPath(), "fillwise-journal-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(_directory));
        _fsyncFile = new FileStream(Path.Combine(_directory, "fsync.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _journal.DisposeAsync();
        await _fsyncFile.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>64 writers, each awaiting the commit of its own intent before appending the next.</summary>
    [Benchmark(OperationsPerInvoke = IntentsPerInvoke)]
    public async Task DurableIntents_GroupCommit_64Writers()
    {
        var writers = new Task[Writers];
        for (var w = 0; w < Writers; w++)
            writers[w] = Task.Run(WriteIntentsAsync);
        await Task.WhenAll(writers);
    }

    /// <summary>One writer, each intent awaited before the next: nothing to group, so about one fsync per intent.</summary>
    [Benchmark(OperationsPerInvoke = SoloIntentsPerInvoke)]
    public async Task DurableIntents_OneWriter()
    {
        for (var i = 0; i < SoloIntentsPerInvoke; i++)
            await _journal.AppendIntentAsync(NextIntent());
    }

    private async Task WriteIntentsAsync()
    {
        for (var i = 0; i < IntentsPerInvoke / Writers; i++)
            await _journal.AppendIntentAsync(NextIntent());
    }

    /// <summary>The physical limit of one-fsync-per-record: write a small record, fsync, repeat.</summary>
    [Benchmark(OperationsPerInvoke = FsyncsPerInvoke)]
    public void RawFsync_WriteAndFlushToDisk()
    {
        for (var i = 0; i < FsyncsPerInvoke; i++)
        {
            _fsyncFile.Write(_record);
            _fsyncFile.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// The same, rewriting one block in place: no file growth, so no metadata to journal. This is
    /// closer to a WAL commit once the WAL has been reset and is being reused.
    /// </summary>
    [Benchmark(OperationsPerInvoke = FsyncsPerInvoke)]
    public void RawFsync_OverwriteSameBlock()
    {
        for (var i = 0; i < FsyncsPerInvoke; i++)
        {
            _fsyncFile.Position = 0;
            _fsyncFile.Write(_record);
            _fsyncFile.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// What SQLite itself calls on Linux to commit: fdatasync, which makes the data durable but
    /// skips the mtime-only inode flush that Flush(true) (fsync) pays for. This is the physical
    /// limit for one commit per intent.
    /// </summary>
    [Benchmark(OperationsPerInvoke = FsyncsPerInvoke)]
    public void RawFdatasync_OverwriteSameBlock()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("fdatasync is measured on Linux only");
        var fd = (int)_fsyncFile.SafeFileHandle.DangerousGetHandle();
        for (var i = 0; i < FsyncsPerInvoke; i++)
        {
            _fsyncFile.Position = 0;
            _fsyncFile.Write(_record);
            if (NativeMethods.fdatasync(fd) != 0)
                throw new IOException($"fdatasync failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    private JournalIntent NextIntent()
    {
        var id = Interlocked.Increment(ref _nextId);
        return new JournalIntent(
            new ClientOrderId($"bench-{id}"),
            new Domain.Instruments.InstrumentId("kalshi", "KXBENCH-26JAN01-T50:yes"),
            OrderSide.Buy,
            Quantity.Parse("10.00"),
            Price.Parse("0.4500"),
            OrderPurpose.Entry,
            "bench",
            "benchmark",
            """{"signal":0.5}""",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    internal sealed class OpsPerSecondConfig : ManualConfig
    {
        public OpsPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

internal static class NativeMethods
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA5392, SYSLIB1054 // a benchmark-only libc call; LibraryImport would need unsafe blocks here
    internal static extern int fdatasync(int fd);
#pragma warning restore CA5392, SYSLIB1054
}
