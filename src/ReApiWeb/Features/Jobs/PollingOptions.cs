namespace ReApiWeb.Features.Jobs;

public sealed class PollingOptions
{
    public const string SectionName = "Polling";

    /// <summary>The shortest gap between two polls of one task (reAPI asks for 1–2 s at most once per task).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The longest gap between two polls of a task that is not stalled.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest any in-flight task goes unpolled, whatever happens (errors, stalls).</summary>
    public TimeSpan MaxGap { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A task older than this many typical durations (and at least <see cref="StallAfterMinimum"/>) is Stalled.</summary>
    public double StallFactor { get; set; } = 20;

    public TimeSpan StallAfterMinimum { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Polls in flight at once; the shared rate gate spaces them out.</summary>
    public int MaxConcurrentPolls { get; set; } = 16;
}
