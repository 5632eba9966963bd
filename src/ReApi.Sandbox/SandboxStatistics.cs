namespace ReApi.Sandbox;

/// <summary>What the sandbox saw, for tests and benchmarks that check the client's behaviour from the server's side.</summary>
public sealed record SandboxStatistics(
    long Requests,
    long Submissions,
    long Polls,
    long RateLimited,
    int MaxRequestsInWindow);
