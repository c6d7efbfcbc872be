using System.Text.Json.Nodes;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// Every two-leg operation of this engine, running and finished: one per symbol at a time, each
/// change journaled (the latest document per operation wins, earlier ones are kept: phase by
/// phase) and announced to readers. At a restart the journal gives them back; one that was
/// running is ended as interrupted: its orders are followed to their end by the restart and its
/// positions reconciled, and nothing about it is guessed.
/// </summary>
public sealed class TwoLegBook
{
    /// <summary>The journal's metadata owner of two-leg operations.</summary>
    public static readonly MetadataOwner JournalOwner = MetadataOwner.Engine("arb");

    private readonly object _gate = new();
    private readonly Dictionary<string, TwoLegOperation> _running = new(StringComparer.Ordinal);
    private readonly LinkedList<TwoLegView> _finished = new();
    private readonly JournalRecorder? _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _kept;

    public TwoLegBook(JournalRecorder? recorder, TimeProvider time, ILogger<TwoLegBook>? logger = null, int kept = 500)
    {
        _recorder = recorder;
        _time = time;
        _logger = logger ?? NullLogger<TwoLegBook>.Instance;
        _kept = Math.Max(1, kept);
    }

    /// <summary>Raised after every change of an operation (a phase, an order, its end), outside any lock.</summary>
    public event Action<TwoLegView>? Changed;

    /// <summary>Every operation known, newest first.</summary>
    public IReadOnlyList<TwoLegView> All
    {
        get
        {
            lock (_gate)
            {
                return _running.Values.Select(o => o.View()).Concat(_finished)
                    .OrderByDescending(v => v.StartedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal).ToList();
            }
        }
    }

    public TwoLegView? Find(string id)
    {
        lock (_gate) return _running.TryGetValue(id, out var running) ? running.View() : _finished.FirstOrDefault(v => v.Id == id);
    }

    /// <summary>The operation running on <paramref name="symbol"/>, or null.</summary>
    public string? RunningOn(string symbol)
    {
        lock (_gate) return _running.Values.FirstOrDefault(o => string.Equals(o.Symbol, symbol, StringComparison.OrdinalIgnoreCase))?.Id;
    }

    /// <summary>Starts tracking an operation; refused (null answer: the running one's id) while another runs on its symbol.</summary>
    internal string? TryBegin(TwoLegOperation operation)
    {
        lock (_gate)
        {
            if (_running.Values.FirstOrDefault(o => string.Equals(o.Symbol, operation.Symbol, StringComparison.OrdinalIgnoreCase)) is { } busy) return busy.Id;
            _running.Add(operation.Id, operation);
        }
        Record(operation.View());
        return null;
    }

    internal void Touch(TwoLegOperation operation) => Record(operation.View());

    internal void Finish(TwoLegOperation operation)
    {
        var view = operation.View();
        lock (_gate)
        {
            _running.Remove(operation.Id);
            Keep(view);
        }
        Record(view);
    }

    /// <summary>Reads the journal's operations back (restart). One still running when the engine stopped ends as interrupted.</summary>
    public async Task RestoreAsync(IJournal journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var stored = await journal.GetMetadataAsync(JournalOwner, cancellationToken);
        var views = new List<TwoLegView>();
        foreach (var (id, json) in stored)
        {
            TwoLegView view;
            try
            {
                view = TwoLegJson.FromJson(JsonNode.Parse(json));
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                TwoLegLog.Unreadable(_logger, id, e.Message);
                continue;
            }
            if (view.Outcome == TwoLegOutcome.Running)
            {
                view = view with
                {
                    Outcome = TwoLegOutcome.Failed,
                    EndedAt = _time.GetUtcNow(),
                    Error = "interrupted by a restart: its orders are followed to their end and its positions reconciled; nothing was rolled back. " +
                        "Read the venues' positions (GET /api/v1/state) and close or open again if needed",
                };
                TwoLegLog.Interrupted(_logger, view.Id, view.Symbol);
                Record(view);
            }
            views.Add(view);
        }
        lock (_gate)
        {
            foreach (var view in views.OrderBy(v => v.StartedAt)) Keep(view);
        }
    }

    private void Keep(TwoLegView view)
    {
        var existing = _finished.FirstOrDefault(v => v.Id == view.Id);
        if (existing is not null) _finished.Remove(existing);
        _finished.AddFirst(view);
        while (_finished.Count > _kept) _finished.RemoveLast();
    }

    private void Record(TwoLegView view)
    {
        // The view is an immutable copy: its document is written by the journal's own writer, off the order path.
        _recorder?.Enqueue((journal, ct) => journal.SetMetadataAsync(JournalOwner, view.Id, TwoLegJson.ToJson(view).ToJsonString(), ct));
        Changed?.Invoke(view);
    }
}
