namespace ReApiWeb.Benchmarks;

/// <summary>What one arm measured.</summary>
public sealed record ArmResult(
    string Name,
    int Submitted,
    int Detected,
    IReadOnlyList<double> DelaysSeconds,
    long RateLimited,
    int MaxInAlignedWindow,
    int MaxInSlidingSecond,
    double PollsPerTask,
    IReadOnlyList<double> SubmissionWaitsSeconds,
    int PeakInFlight,
    int NotSubmittedInTime)
{
    /// <summary>Every task seen finished, on its own.</summary>
    public IReadOnlyList<TaskFigure> Tasks { get; init; } = [];
}

/// <summary>One task: when it was accepted (seconds from the start), how late its completion was seen, how often it was polled, its kind.</summary>
public sealed record TaskFigure(double SubmittedSeconds, double DelaySeconds, int Polls, int Kind);
