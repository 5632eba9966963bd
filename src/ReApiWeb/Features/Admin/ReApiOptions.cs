namespace ReApiWeb.Features.Admin;

/// <summary>The upstream reAPI account. The key itself is normally entered by an admin in the UI; <see cref="ApiKey"/> only seeds it.</summary>
public sealed class ReApiOptions
{
    public const string SectionName = "ReApi";

    public string BaseUrl { get; set; } = "https://reapi.ai/api/v1";

    /// <summary>Seeds the shared key at start when none is stored yet. Prefer the admin page or an environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The account's request budget (reAPI: 10 per second, polls included).</summary>
    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>
    /// The span in which at most <see cref="RequestsPerSecond"/> calls are made, measured as a sliding window. A little
    /// over reAPI's 1-second window, so that however reAPI aligns its windows and however latency varies, it never
    /// counts more than its limit.
    /// </summary>
    public int RateWindowMilliseconds { get; set; } = 1050;

    public int RequestTimeoutSeconds { get; set; } = 60;
}

/// <summary>The built-in simulator. <see cref="Enabled"/>: true forces it on, false off; unset means "on while no key is set".</summary>
public sealed class SandboxModeOptions
{
    public const string SectionName = "Sandbox";

    public bool? Enabled { get; set; }

    /// <summary>The app's own address as seen from the server, when it cannot be read from the listening addresses.</summary>
    public string? SelfUrl { get; set; }
}
