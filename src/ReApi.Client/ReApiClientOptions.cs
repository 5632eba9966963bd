namespace ReApi.Client;

public sealed class ReApiClientOptions
{
    /// <summary>How many times a GET is tried on a transient fault (5xx, timeout, 429) before giving up.</summary>
    public int GetAttempts { get; set; } = 3;

    /// <summary>The first backoff after a transient GET fault; it doubles on each further attempt.</summary>
    public TimeSpan GetBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The User-Agent sent upstream. reAPI's edge may refuse clients without a browser-like one.</summary>
    public string UserAgent { get; set; } = "Mozilla/5.0 (compatible; ReApiWeb/1.0)";
}
