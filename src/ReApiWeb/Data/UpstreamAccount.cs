namespace ReApiWeb.Data;

/// <summary>Whether an account takes new jobs. Jobs already sent on it are followed to their end in every state.</summary>
public enum UpstreamAccountState
{
    /// <summary>Takes new jobs (once its key passed a test).</summary>
    Active,

    /// <summary>Takes no new jobs; the tasks in flight on it go on (and are polled) until they end.</summary>
    Draining,

    /// <summary>Takes no new jobs; its tasks in flight are still polled, so none is lost.</summary>
    Disabled,
}

/// <summary>
/// A reAPI account the team sends jobs to: where it is, its key (protected with Data Protection), its request budget
/// and whether it takes jobs. Every job records the account it was sent on, and is polled, reconciled and refunded
/// there whatever changes afterwards.
/// </summary>
public sealed class UpstreamAccount
{
    public const int MaxNameLength = 80;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public required string BaseUrl { get; set; }

    /// <summary>The key, protected; null when none is set (the account then takes no jobs).</summary>
    public string? ProtectedKey { get; set; }

    /// <summary>When the current key last passed a test (an authenticated balance call); null: untested, so no jobs go to it.</summary>
    public DateTimeOffset? KeyTestedAt { get; set; }

    /// <summary>Why the last test (or a POST) refused the key, when it did.</summary>
    public string? KeyProblem { get; set; }

    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>The chat host (OpenAI-compatible); null: derived from <see cref="BaseUrl"/> (reapi.ai/api/v1 → api.reapi.ai/v1).</summary>
    public string? ChatBaseUrl { get; set; }

    /// <summary>A separate key for the chat host, protected; null: the task key is used.</summary>
    public string? ProtectedChatKey { get; set; }

    /// <summary>Chat requests per window, a budget of their own (reAPI's chat limits are undocumented); null: <see cref="RequestsPerSecond"/>.</summary>
    public int? ChatRequestsPerSecond { get; set; }

    /// <summary>When the chat host last answered a test (its model list) with the chat key.</summary>
    public DateTimeOffset? ChatTestedAt { get; set; }

    /// <summary>Why the last chat test failed, when it did.</summary>
    public string? ChatProblem { get; set; }

    public int RateWindowMilliseconds { get; set; } = 1050;

    public UpstreamAccountState State { get; set; }

    /// <summary>The order among the accounts assigned to no group (team-wide); the first is the default.</summary>
    public int Position { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<UpstreamAccountGroup> Groups { get; set; } = [];
}

/// <summary>An account serving a group's members before the team-wide ones; lower <see cref="Priority"/> is tried first.</summary>
public sealed class UpstreamAccountGroup
{
    public Guid AccountId { get; set; }

    public Guid GroupId { get; set; }

    public int Priority { get; set; }
}
