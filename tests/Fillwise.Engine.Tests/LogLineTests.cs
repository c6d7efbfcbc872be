using Fillwise.Domain.Values;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests;

public class LogLineTests
{
    [Fact]
    public async Task The_seeds_moments_are_logged_in_words_a_person_can_act_on()
    {
        var log = new ListLoggerProvider();
        await using var h = new EngineHarness(loggers: log);
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Purpose == Domain.Orders.OrderPurpose.Entry ? 50 : 20);
        await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(100), CancellationToken.None));
        h.Venue.SetBid(EngineHarness.Instrument, 0.38m);
        await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));

        var lines = log.Messages;
        Assert.Contains(lines, l => l.StartsWith("entry filled 50 of 100 on scripted:KX-TEST:yes, remainder canceled", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("stop_loss exit of position ", StringComparison.Ordinal) && l.EndsWith("filled 20 of 50, 30 still protected", StringComparison.Ordinal));
        Assert.All(log.Lines, l => Assert.NotEqual(0, l.Id.Id));
    }

    [Fact]
    public async Task An_unknown_outcome_and_its_resolution_are_logged()
    {
        var log = new ListLoggerProvider();
        await using var h = new EngineHarness(loggers: log);
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.LoseAnswer, FillNow: 10);
        await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(10), CancellationToken.None));
        Assert.Contains(log.Messages, l => l.StartsWith("outcome of order ", StringComparison.Ordinal) && l.Contains("unknown", StringComparison.Ordinal));
        Assert.Contains(log.Messages, l => l.StartsWith("outcome unknown resolved as found on the venue", StringComparison.Ordinal));
    }
}
