namespace ReApiWeb.Features.Jobs;

public sealed class PollingOptions
{
    public const string SectionName = "Polling";

    /// <summary>The shortest gap between two polls of one task (reAPI asks for no more than one every 1–2 s).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The longest any in-flight task goes unpolled, whatever its model's statistics say (stalled tasks: exactly this).</summary>
    public TimeSpan MaxGap { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest a task waits after failed polls of its own (server errors, dropped connections, timeouts): the wait
    /// doubles from <see cref="MinInterval"/> up to this. A 429 pauses the whole account instead and is not held against the task.
    /// </summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>While the budget is busy, a poll is spent only when it is expected to reveal at least this much hidden waiting (seconds).</summary>
    public double PollWorthSeconds { get; set; } = 0.2;

    /// <summary>
    /// Work-conserving: while at least this many of the account's request slots are free (the budget is not the limit),
    /// the most valuable task past <see cref="MinInterval"/> is polled whatever its worth; idle budget is never a reason
    /// to wait. Below it (the budget is busy), every poll must be worth <see cref="PollWorthSeconds"/>.
    /// </summary>
    public int IdleSlots { get; set; } = 2;

    /// <summary>How often the scheduler looks again when no poll is worth a request yet.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A task older than this many typical durations (and at least <see cref="StallAfterMinimum"/>) is Stalled.</summary>
    public double StallFactor { get; set; } = 20;

    public TimeSpan StallAfterMinimum { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Polls in flight at once; the shared rate gate spaces them out.</summary>
    public int MaxConcurrentPolls { get; set; } = 16;
}
