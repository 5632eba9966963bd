namespace ReApiWeb.Features.Jobs;

public sealed class PollingOptions
{
    public const string SectionName = "Polling";

    /// <summary>The shortest gap between two polls of one task (reAPI asks for no more than one every 1–2 s).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The longest any in-flight task goes unpolled, whatever its model's statistics say (stalled tasks: exactly this).</summary>
    public TimeSpan MaxGap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A poll is spent only when it is expected to reveal at least this much hidden waiting (seconds).</summary>
    public double PollWorthSeconds { get; set; } = 0.2;

    /// <summary>
    /// While at least this many slots of the shared budget are free, tasks are polled every <see cref="MinInterval"/>
    /// whatever their worth (idle budget is lost anyway); the rest is kept for submissions and valuable polls.
    /// </summary>
    public int SpareSlots { get; set; } = 5;

    /// <summary>How often the scheduler looks again when no poll is worth a request yet.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A task older than this many typical durations (and at least <see cref="StallAfterMinimum"/>) is Stalled.</summary>
    public double StallFactor { get; set; } = 20;

    public TimeSpan StallAfterMinimum { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Polls in flight at once; the shared rate gate spaces them out.</summary>
    public int MaxConcurrentPolls { get; set; } = 16;
}
