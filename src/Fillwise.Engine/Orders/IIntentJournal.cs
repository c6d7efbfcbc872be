using Fillwise.Domain.Venues;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Where the engine makes an intent durable before sending it. The storage journal implements it
/// (see <c>JournalRecorder</c>); <see cref="Transient"/> keeps nothing, for tools that only read.
/// </summary>
public interface IIntentJournal
{
    /// <summary>Completes only once the intent is durable; throws when it cannot be made durable.</summary>
    Task RecordIntentAsync(OrderIntent intent, CancellationToken cancellationToken);

    public static IIntentJournal Transient { get; } = new TransientJournal();

    private sealed class TransientJournal : IIntentJournal
    {
        public Task RecordIntentAsync(OrderIntent intent, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
