namespace Fillwise.Exchange.Core;

/// <summary>
/// A weekly window in which the whole exchange pauses trading (Kalshi: Thursdays 03:00-05:00 ET):
/// new orders and amends are refused, cancels and decreases still work, and resting orders placed
/// with <c>cancel_order_on_pause</c> are canceled when the window opens. Markets keep their status.
/// </summary>
public sealed record MaintenanceWindow(DayOfWeek Day, TimeOnly Start, TimeSpan Duration)
{
    /// <summary>Kalshi's weekly maintenance: Thursday, 03:00 Eastern, two hours.</summary>
    public static MaintenanceWindow Kalshi { get; } = new(DayOfWeek.Thursday, new TimeOnly(3, 0), TimeSpan.FromHours(2));

    /// <summary>
    /// US Eastern time built from the US rule (second Sunday of March to first Sunday of November,
    /// at 02:00), so the window does not depend on the machine's time zone data.
    /// </summary>
    public static TimeZoneInfo Eastern { get; } = TimeZoneInfo.CreateCustomTimeZone("Fillwise/US-Eastern", TimeSpan.FromHours(-5), "US Eastern", "EST", "EDT",
    [
        TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            new DateTime(2007, 1, 1), DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 2, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 11, 1, DayOfWeek.Sunday)),
    ]);

    public string? Validate() =>
        Duration <= TimeSpan.Zero || Duration >= TimeSpan.FromDays(7) ? "a maintenance window lasts more than zero and less than seven days" : null;

    /// <summary>The window that holds <paramref name="time"/>, or the next one to start after it (start, end in UTC).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Around(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, Eastern);
        // Walk back to the most recent start on the window's day, then forward while it is already over.
        var date = DateOnly.FromDateTime(local.DateTime);
        var back = ((int)date.DayOfWeek - (int)Day + 7) % 7;
        var day = date.AddDays(-back);
        var start = StartOn(day);
        if (start > time)
        {
            day = day.AddDays(-7);
            start = StartOn(day);
        }
        if (start + Duration <= time)
        {
            day = day.AddDays(7);
            start = StartOn(day);
        }
        return (start, start + Duration);
    }

    public bool Contains(DateTimeOffset time)
    {
        var (start, end) = Around(time);
        return start <= time && time < end;
    }

    /// <summary>The next <paramref name="count"/> windows from the one holding <paramref name="time"/> on.</summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Upcoming(DateTimeOffset time, int count)
    {
        var windows = new List<(DateTimeOffset, DateTimeOffset)>();
        var at = time;
        for (var i = 0; i < count; i++)
        {
            var window = Around(at);
            windows.Add(window);
            at = window.End;
        }
        return windows;
    }

    private DateTimeOffset StartOn(DateOnly date)
    {
        var local = date.ToDateTime(Start);
        return new DateTimeOffset(local, Eastern.GetUtcOffset(local)).ToUniversalTime();
    }
}
