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
    int NotSubmittedInTime);
