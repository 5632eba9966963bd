namespace ReApiWeb.Features.Upstream;

/// <summary>
/// reAPI: where it is, the request budget of the sandbox and of seeded accounts, and the accounts to seed on the very
/// first start. Accounts are normally managed by admins under Admin → Accounts; <see cref="Accounts"/> (or
/// <see cref="ApiKey"/> alone, meaning one account "Default" at <see cref="BaseUrl"/>) only seeds them.
/// </summary>
public sealed class ReApiOptions
{
    public const string SectionName = "ReApi";

    public string BaseUrl { get; set; } = "https://reapi.ai/api/v1";

    /// <summary>Seeds one account "Default" at <see cref="BaseUrl"/> when no account was ever stored (ignored when <see cref="Accounts"/> is set).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Accounts seeded on the very first start, the first being the default; each is tested with a balance call.</summary>
    public List<AccountSeedOptions> Accounts { get; set; } = [];

    /// <summary>The request budget of the sandbox and the default for seeded accounts (reAPI: 10 per second, polls included).</summary>
    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>
    /// The span in which at most <see cref="RequestsPerSecond"/> calls are made, measured as a sliding window. A little
    /// over reAPI's 1-second window, so that however reAPI aligns its windows and however latency varies, it never
    /// counts more than its limit.
    /// </summary>
    public int RateWindowMilliseconds { get; set; } = 1050;

    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>The accounts the configuration asks for: <see cref="Accounts"/>, or "Default" from <see cref="ApiKey"/>.</summary>
    internal IReadOnlyList<(AccountDraft Draft, IReadOnlyList<string> Groups)> Seeds() =>
        Accounts.Count > 0
            ? [.. Accounts.Select(a => (new AccountDraft(a.Name ?? "", a.BaseUrl ?? BaseUrl, a.ApiKey, a.RequestsPerSecond ?? RequestsPerSecond, a.RateWindowMilliseconds ?? RateWindowMilliseconds), (IReadOnlyList<string>)a.Groups))]
            : string.IsNullOrWhiteSpace(ApiKey) ? [] : [(new AccountDraft("Default", BaseUrl, ApiKey, RequestsPerSecond, RateWindowMilliseconds), [])];
}

/// <summary>One account to seed: <c>ReApi:Accounts:0:Name</c>, <c>:BaseUrl</c>, <c>:ApiKey</c>, <c>:RequestsPerSecond</c>, <c>:Groups:0</c>…</summary>
public sealed class AccountSeedOptions
{
    public string? Name { get; set; }

    /// <summary>Defaults to <see cref="ReApiOptions.BaseUrl"/>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Empty: the account is added without a key (an admin enters it under Admin → Accounts).</summary>
    public string? ApiKey { get; set; }

    public int? RequestsPerSecond { get; set; }

    public int? RateWindowMilliseconds { get; set; }

    /// <summary>Groups (by name, made if missing) the account serves before the team-wide ones; none: the whole team.</summary>
    public List<string> Groups { get; set; } = [];
}

/// <summary>The built-in simulator. <see cref="Enabled"/>: true forces it on, false off; unset means "on while no account exists".</summary>
public sealed class SandboxModeOptions
{
    public const string SectionName = "Sandbox";

    public bool? Enabled { get; set; }

    /// <summary>The app's own address as seen from the server, when it cannot be read from the listening addresses.</summary>
    public string? SelfUrl { get; set; }
}
