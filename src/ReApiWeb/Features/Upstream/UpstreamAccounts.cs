using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Upstream;

/// <summary>What may be shown about an account: never its key, only whether one is set and its last 4 characters.</summary>
public sealed record AccountInfo(
    Guid Id,
    string Name,
    string BaseUrl,
    string? KeyLast4,
    DateTimeOffset? KeyTestedAt,
    string? KeyProblem,
    int RequestsPerSecond,
    int RateWindowMilliseconds,
    UpstreamAccountState State,
    int Position,
    IReadOnlyList<AccountGroup> Groups)
{
    public bool HasKey => KeyLast4 is not null;

    /// <summary>True when new jobs may go to it: active, with a key that passed a test.</summary>
    public bool TakesJobs => State == UpstreamAccountState.Active && HasKey && KeyTestedAt is not null;

    /// <summary>Serves only the groups it is assigned to (before the team-wide accounts); none: the whole team.</summary>
    public bool TeamWide => Groups.Count == 0;

    /// <summary>The chat host in use: the one set, or the one derived from <see cref="BaseUrl"/>.</summary>
    public string ChatBaseUrl { get; init; } = "";

    /// <summary>The chat host an admin set (null: derived).</summary>
    public string? ChatBaseUrlSet { get; init; }

    /// <summary>The last 4 characters of a separate chat key (null: chat uses the task key).</summary>
    public string? ChatKeyLast4 { get; init; }

    /// <summary>Chat requests per window (its own budget; the account's unless an admin set one).</summary>
    public int ChatRequestsPerSecond { get; init; }

    /// <summary>The chat budget an admin set (null: the account's).</summary>
    public int? ChatRequestsPerSecondSet { get; init; }

    public DateTimeOffset? ChatTestedAt { get; init; }

    public string? ChatProblem { get; init; }
}

/// <summary>An account was added, tested, changed or removed: caches drop their copy and the pages showing accounts reload.</summary>
public sealed record AccountsChanged : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => [EventTopic.Accounts];

    public override object? CoalesceKey => nameof(AccountsChanged);
}

/// <summary>A group an account serves, and its rank among that group's accounts (lower first).</summary>
public sealed record AccountGroup(Guid GroupId, int Priority);

/// <summary>An account to create: from an admin's form or the configuration's seed.</summary>
public sealed record AccountDraft(string Name, string BaseUrl, string? ApiKey, int RequestsPerSecond = 10, int RateWindowMilliseconds = 1050);

/// <summary>An account's chat settings: the chat host (null: derived) and its own budget (null: the account's).</summary>
public sealed record ChatSettings(string? ChatBaseUrl, int? ChatRequestsPerSecond);

/// <summary>An account's settings an admin may change (the key has its own path: <see cref="UpstreamAccounts.SetKeyAsync"/>).</summary>
public sealed record AccountSettings(string Name, string BaseUrl, int RequestsPerSecond, int RateWindowMilliseconds);

/// <summary>
/// The team's reAPI accounts. Keys are kept protected with Data Protection in the database and leave this class in
/// clear only towards the upstream HTTP client (<see cref="ConnectionAsync"/>). Reads come from a snapshot replaced
/// whole on every change, so a poll never waits on the database for its key. On a database several instances share,
/// the key for a call is read from the database instead: another instance's rotation or removal counts from the moment
/// it is saved, not from when its event arrives. Every change by an admin is audited.
/// </summary>
public sealed class UpstreamAccounts(
    IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection, AuditLog audit, IEventBus bus, TimeProvider time, IOptions<DatabaseOptions> database) : IDisposable
{
    /// <summary>Set once accounts were first stored, so accounts an admin removed are never seeded again from configuration.</summary>
    public const string SeededKey = "ReApi.Accounts.Seeded";

    /// <summary>The id the migration gives the account made from the earlier shared key.</summary>
    public static readonly Guid MigratedDefaultId = new("0193a5c0-0000-7000-8000-00000000d3fa");

    // The purpose of earlier versions' shared key, so the migrated key still opens.
    private readonly IDataProtector _protector = protection.CreateProtector("ReApiWeb.SharedKey.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SnapshotCache<Snapshot> _cache = new(bus, EventTopic.Accounts);
    private readonly bool _shared = database.Value.Provider != DatabaseProvider.Sqlite;

    public async Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Infos;

    public async Task<AccountInfo?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Infos.FirstOrDefault(a => a.Id == id);

    /// <summary>True when no account exists at all (the team then works on the built-in sandbox).</summary>
    public async Task<bool> NoneAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Infos.Count == 0;

    /// <summary>Where account <paramref name="id"/> is and its current key, for one upstream call; throws when it has none.</summary>
    internal async ValueTask<ReApiConnection> ConnectionAsync(Guid id, CancellationToken cancellationToken)
    {
        var secret = _shared ? await ReadSecretAsync(id, cancellationToken) : (await LoadAsync(cancellationToken)).Secrets.GetValueOrDefault(id);
        if (secret is null)
        {
            throw new ReApiException(ReApiErrorKind.Authentication, "This job's reAPI account was removed, so it cannot be reached.");
        }

        return secret.Key is { } key
            ? new ReApiConnection(new Uri(secret.BaseUrl.TrimEnd('/') + "/"), key)
            : throw new ReApiException(ReApiErrorKind.Authentication, $"The reAPI account \"{secret.Name}\" has no key. An admin can set one under Admin → Accounts.");
    }

    /// <summary>Adds an account; its key (if any) is untested, so it takes no jobs until a test passed.</summary>
    public async Task<Guid> AddAsync(AccountDraft draft, Actor? by, CancellationToken cancellationToken)
    {
        var name = CheckName(draft.Name);
        var baseUrl = CheckBaseUrl(draft.BaseUrl);
        CheckBudget(draft.RequestsPerSecond, draft.RateWindowMilliseconds);
        var key = string.IsNullOrWhiteSpace(draft.ApiKey) ? null : draft.ApiKey.Trim();
        var account = new UpstreamAccount
        {
            Name = name,
            BaseUrl = baseUrl,
            ProtectedKey = key is null ? null : _protector.Protect(key),
            RequestsPerSecond = draft.RequestsPerSecond,
            RateWindowMilliseconds = draft.RateWindowMilliseconds,
            CreatedAt = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
        await ChangeAsync(by, "account.add", async db =>
        {
            if (await db.UpstreamAccounts.AnyAsync(a => a.Name == name, cancellationToken))
            {
                throw new ArgumentException($"An account named \"{name}\" already exists.", nameof(draft));
            }

            account.Position = await db.UpstreamAccounts.Select(a => (int?)a.Position).MaxAsync(cancellationToken) + 1 ?? 0;
            db.UpstreamAccounts.Add(account);
            if (await db.Settings.FindAsync([SeededKey], cancellationToken) is null)
            {
                db.Settings.Add(new AppSetting { Key = SeededKey, Value = "true", UpdatedAt = time.GetUtcNow(), UpdatedBy = by?.Id });
            }

            return $"reAPI account \"{name}\" added ({baseUrl}{Ending(key)})";
        }, cancellationToken);
        return account.Id;
    }

    /// <summary>
    /// Adds the configuration's accounts on the very first start only (never again once accounts were stored, so an
    /// account an admin removed stays removed). Returns the ids added, the first being the default.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> SeedAsync(IReadOnlyList<AccountDraft> drafts, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (drafts.Count == 0 || await db.Settings.AnyAsync(s => s.Key == SeededKey, cancellationToken) || await db.UpstreamAccounts.AnyAsync(cancellationToken))
            {
                return [];
            }
        }

        var ids = new List<Guid>();
        foreach (var draft in drafts)
        {
            ids.Add(await AddAsync(draft, by: null, cancellationToken));
        }

        return ids;
    }

    /// <summary>Sets (rotates) the key: jobs in flight are polled with it at once; new jobs wait until it passed a test.</summary>
    public Task SetKeyAsync(Guid id, string key, Actor by, CancellationToken cancellationToken)
    {
        var trimmed = key.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("Enter the key.", nameof(key));
        }

        return UpdateAsync(id, by, "account.key", a => $"Key of reAPI account \"{a.Name}\" set{Ending(trimmed)}", a =>
        {
            a.ProtectedKey = _protector.Protect(trimmed);
            a.KeyTestedAt = null;
            a.KeyProblem = null;
        }, cancellationToken);
    }

    public Task ClearKeyAsync(Guid id, Actor by, CancellationToken cancellationToken) =>
        UpdateAsync(id, by, "account.key-remove", a => $"Key of reAPI account \"{a.Name}\" removed", a =>
        {
            a.ProtectedKey = null;
            a.KeyTestedAt = null;
            a.KeyProblem = null;
        }, cancellationToken);

    /// <summary>Changes name, address or budget. A new address means the key is tested again before new jobs go there.</summary>
    public Task UpdateSettingsAsync(Guid id, AccountSettings settings, Actor by, CancellationToken cancellationToken)
    {
        var name = CheckName(settings.Name);
        var baseUrl = CheckBaseUrl(settings.BaseUrl);
        CheckBudget(settings.RequestsPerSecond, settings.RateWindowMilliseconds);
        return UpdateAsync(id, by, "account.settings", a => $"reAPI account \"{a.Name}\" set to \"{name}\", {baseUrl}, {settings.RequestsPerSecond} requests per {settings.RateWindowMilliseconds} ms", a =>
        {
            if (!string.Equals(a.BaseUrl, baseUrl, StringComparison.Ordinal))
            {
                a.KeyTestedAt = null;
            }

            a.Name = name;
            a.BaseUrl = baseUrl;
            a.RequestsPerSecond = settings.RequestsPerSecond;
            a.RateWindowMilliseconds = settings.RateWindowMilliseconds;
        }, cancellationToken);
    }

    /// <summary>Sets (rotates) the separate chat key; the chat host is tested again.</summary>
    public Task SetChatKeyAsync(Guid id, string key, Actor by, CancellationToken cancellationToken)
    {
        var trimmed = key.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("Enter the chat key.", nameof(key));
        }

        return UpdateAsync(id, by, "account.chat-key", a => $"Chat key of reAPI account \"{a.Name}\" set{Ending(trimmed)}", a =>
        {
            a.ProtectedChatKey = _protector.Protect(trimmed);
            a.ChatTestedAt = null;
            a.ChatProblem = null;
        }, cancellationToken);
    }

    /// <summary>Removes the separate chat key: chat uses the task key again.</summary>
    public Task ClearChatKeyAsync(Guid id, Actor by, CancellationToken cancellationToken) =>
        UpdateAsync(id, by, "account.chat-key-remove", a => $"Chat key of reAPI account \"{a.Name}\" removed (chat uses the task key)", a =>
        {
            a.ProtectedChatKey = null;
            a.ChatTestedAt = null;
            a.ChatProblem = null;
        }, cancellationToken);

    /// <summary>Sets the chat host (null: derived from the address) and the chat budget (null: the account's).</summary>
    public Task UpdateChatSettingsAsync(Guid id, ChatSettings settings, Actor by, CancellationToken cancellationToken)
    {
        var chatBaseUrl = string.IsNullOrWhiteSpace(settings.ChatBaseUrl) ? null : CheckBaseUrl(settings.ChatBaseUrl);
        if (settings.ChatRequestsPerSecond is { } perWindow)
        {
            CheckBudget(perWindow, 1000);
        }

        return UpdateAsync(id, by, "account.chat-settings",
            a => $"Chat of reAPI account \"{a.Name}\": {chatBaseUrl ?? "address derived"}, {(settings.ChatRequestsPerSecond is { } n ? $"{n} requests per window" : "the account's budget")}", a =>
            {
                if (!string.Equals(a.ChatBaseUrl, chatBaseUrl, StringComparison.Ordinal))
                {
                    a.ChatTestedAt = null;
                    a.ChatProblem = null;
                }

                a.ChatBaseUrl = chatBaseUrl;
                a.ChatRequestsPerSecond = settings.ChatRequestsPerSecond;
            }, cancellationToken);
    }

    /// <summary>Records a chat test's outcome (a null problem: it passed).</summary>
    internal async Task RecordChatTestAsync(Guid id, string? problem, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            await db.UpstreamAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.ChatTestedAt, problem == null ? now : null)
                .SetProperty(a => a.ChatProblem, problem), cancellationToken);
            _cache.Drop();
        }
        finally
        {
            _gate.Release();
        }

        bus.Publish(new AccountsChanged());
    }

    public Task SetStateAsync(Guid id, UpstreamAccountState state, Actor by, CancellationToken cancellationToken) =>
        UpdateAsync(id, by, "account.state", a => $"reAPI account \"{a.Name}\": {a.State} → {state}", a => a.State = state, cancellationToken);

    /// <summary>Which groups the account serves, each with its priority among that group's accounts; none: the whole team.</summary>
    public async Task SetGroupsAsync(Guid id, IReadOnlyList<AccountGroup> groups, Actor? by, CancellationToken cancellationToken)
    {
        var distinct = groups.DistinctBy(g => g.GroupId).ToList();
        var ids = distinct.Select(d => d.GroupId).ToList();
        await ChangeAsync(by, "account.groups", async db =>
        {
            var account = await db.UpstreamAccounts.Include(a => a.Groups).SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
                ?? throw new KeyNotFoundException("That account no longer exists.");
            var known = await db.Groups.Where(g => ids.Contains(g.Id)).Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken);
            account.Groups.Clear();
            account.Groups.AddRange(distinct.Where(g => known.Any(k => k.Id == g.GroupId)).Select(g => new UpstreamAccountGroup { AccountId = id, GroupId = g.GroupId, Priority = g.Priority }));
            account.UpdatedAt = time.GetUtcNow();
            return known.Count == 0
                ? $"reAPI account \"{account.Name}\" serves the whole team"
                : $"reAPI account \"{account.Name}\" serves {string.Join(", ", distinct.Join(known, d => d.GroupId, k => k.Id, (d, k) => $"{k.Name} (priority {d.Priority})"))} first";
        }, cancellationToken);
    }

    /// <summary>Moves the account one place up (towards the default) or down among the team-wide order.</summary>
    public async Task MoveAsync(Guid id, int delta, Actor by, CancellationToken cancellationToken)
    {
        await ChangeAsync(by, "account.order", async db =>
        {
            var ordered = await db.UpstreamAccounts.OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).ToListAsync(cancellationToken);
            var index = ordered.FindIndex(a => a.Id == id);
            var target = index + Math.Sign(delta);
            if (index < 0 || target < 0 || target >= ordered.Count)
            {
                return "";
            }

            (ordered[index], ordered[target]) = (ordered[target], ordered[index]);
            for (var i = 0; i < ordered.Count; i++)
            {
                ordered[i].Position = i;
            }

            return $"reAPI accounts in order: {string.Join(", ", ordered.Select(a => a.Name))}";
        }, cancellationToken);
    }

    /// <summary>Removes the account, unless jobs on it are still in flight (their polls need its key); the refusal says why.</summary>
    public async Task<string?> RemoveAsync(Guid id, Actor by, CancellationToken cancellationToken)
    {
        string? refusal = null;
        await ChangeAsync(by, "account.remove", async db =>
        {
            var account = await db.UpstreamAccounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (account is null)
            {
                refusal = "That account no longer exists.";
                return "";
            }

            var open = await db.Jobs.CountAsync(j => j.AccountId == id && JobStatusExtensions.Open.Contains(j.Status), cancellationToken);
            if (open > 0)
            {
                refusal = $"\"{account.Name}\" still has {open} job(s) that are not finished. Drain it (no new jobs) and remove it once they have ended.";
                return "";
            }

            db.UpstreamAccounts.Remove(account);
            return $"reAPI account \"{account.Name}\" removed";
        }, cancellationToken, commit: () => refusal is null);
        return refusal;
    }

    /// <summary>Records a test of the key: <paramref name="problem"/> null means it passed (an authenticated call succeeded).</summary>
    internal async Task RecordTestAsync(Guid id, string? problem, bool keyRefused, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            await db.UpstreamAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.KeyTestedAt, a => problem == null ? now : keyRefused ? null : a.KeyTestedAt)
                .SetProperty(a => a.KeyProblem, problem), cancellationToken);
            _cache.Drop();
        }
        finally
        {
            _gate.Release();
        }

        bus.Publish(new AccountsChanged());
    }

    /// <summary>Called when reAPI refused an account's key on a POST (401): no more jobs go there until it passes a test.</summary>
    internal Task KeyRefusedAsync(Guid id, string message, CancellationToken cancellationToken) =>
        RecordTestAsync(id, $"reAPI refused the key: {message}", keyRefused: true, cancellationToken);

    /// <summary>Gives an account made by the migration (from the earlier shared key) the configured address.</summary>
    internal async Task CompleteMigrationAsync(string baseUrl, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.UpstreamAccounts.Where(a => a.BaseUrl == "").ExecuteUpdateAsync(s => s.SetProperty(a => a.BaseUrl, CheckBaseUrl(baseUrl)), cancellationToken) > 0)
        {
            _cache.Drop();
        }
    }

    private Task UpdateAsync(Guid id, Actor? by, string action, Func<UpstreamAccount, string> describe, Action<UpstreamAccount> change, CancellationToken cancellationToken) =>
        ChangeAsync(by, action, async db =>
        {
            var account = await db.UpstreamAccounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
                ?? throw new KeyNotFoundException("That account no longer exists.");
            var details = describe(account);
            change(account);
            account.UpdatedAt = time.GetUtcNow();
            return details;
        }, cancellationToken);

    /// <summary>Makes one change in one context under the store's lock, audited with what <paramref name="change"/> describes, then refreshes the snapshot.</summary>
    private async Task ChangeAsync(Actor? by, string action, Func<AppDbContext, Task<string>> change, CancellationToken cancellationToken, Func<bool>? commit = null)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var described = await change(db);
            if (commit is not null && !commit())
            {
                return;
            }

            if (by is not null)
            {
                await audit.AddAdminChangeAsync(db, by, action, described, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            _cache.Drop();
        }
        finally
        {
            _gate.Release();
        }

        bus.Publish(new AccountsChanged());
    }

    private async ValueTask<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        if (_cache.Get(out _) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache.Get(out var generation) is { } again)
            {
                return again;
            }

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var accounts = await db.UpstreamAccounts.AsNoTracking().Include(a => a.Groups)
                .OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).ToListAsync(cancellationToken);
            var secrets = accounts.ToDictionary(a => a.Id, SecretOf);
            var infos = accounts.Select(a => new AccountInfo(
                a.Id, a.Name, a.BaseUrl, secrets[a.Id].Key is { } key ? Last4(key) : null, a.KeyTestedAt, a.KeyProblem,
                a.RequestsPerSecond, a.RateWindowMilliseconds, a.State, a.Position,
                [.. a.Groups.OrderBy(g => g.Priority).Select(g => new AccountGroup(g.GroupId, g.Priority))])
            {
                ChatBaseUrl = secrets[a.Id].ChatBaseUrl,
                ChatBaseUrlSet = a.ChatBaseUrl,
                ChatKeyLast4 = a.ProtectedChatKey is null ? null : Last4(secrets[a.Id].ChatKey!),
                ChatRequestsPerSecond = a.ChatRequestsPerSecond ?? a.RequestsPerSecond,
                ChatRequestsPerSecondSet = a.ChatRequestsPerSecond,
                ChatTestedAt = a.ChatTestedAt,
                ChatProblem = a.ChatProblem,
            }).ToList();
            var snapshot = new Snapshot(infos, secrets);
            _cache.Keep(snapshot, generation);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Secret?> ReadSecretAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UpstreamAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return row is null ? null : SecretOf(row);
    }

    private Secret SecretOf(UpstreamAccount a)
    {
        var key = a.ProtectedKey is null ? null : _protector.Unprotect(a.ProtectedKey);
        return new Secret(a.Name, a.BaseUrl, key, a.ChatBaseUrl ?? DerivedChatBaseUrl(a.BaseUrl), a.ProtectedChatKey is null ? key : _protector.Unprotect(a.ProtectedChatKey));
    }

    /// <summary>
    /// The chat host beside a task host: reAPI's <c>https://reapi.ai/api/v1</c> has its chat at <c>https://api.reapi.ai/v1</c>
    /// (CONTRACT.md §3.5); any other address ending in <c>/api/v1</c> (a sandbox, a proxy) has it at <c>/v1</c> on the same host.
    /// </summary>
    public static string DerivedChatBaseUrl(string baseUrl)
    {
        var trimmed = baseUrl.TrimEnd('/');
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Host is "reapi.ai" or "www.reapi.ai")
        {
            return "https://api.reapi.ai/v1";
        }

        return trimmed.EndsWith("/api/v1", StringComparison.OrdinalIgnoreCase) ? trimmed[..^"/api/v1".Length] + "/v1" : trimmed;
    }

    /// <summary>Where account <paramref name="id"/>'s chat host is and its chat key, for one chat request; throws when it has none.</summary>
    internal async ValueTask<ReApiConnection> ChatConnectionAsync(Guid id, CancellationToken cancellationToken)
    {
        var secret = _shared ? await ReadSecretAsync(id, cancellationToken) : (await LoadAsync(cancellationToken)).Secrets.GetValueOrDefault(id);
        if (secret is null)
        {
            throw new ReApiException(ReApiErrorKind.Authentication, "This reply's reAPI account was removed, so it cannot be reached.");
        }

        return secret.ChatKey is { } key
            ? new ReApiConnection(new Uri(secret.ChatBaseUrl.TrimEnd('/') + "/"), key)
            : throw new ReApiException(ReApiErrorKind.Authentication, $"The reAPI account \"{secret.Name}\" has no key. An admin can set one under Admin → Accounts.");
    }

    public void Dispose()
    {
        _cache.Dispose();
        _gate.Dispose();
    }

    private static string Last4(string key) => key.Length >= 4 ? key[^4..] : key;

    private static string Ending(string? key) => key is null ? "" : $", key ending in …{Last4(key)}";

    private static string CheckName(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is > 0 and <= UpstreamAccount.MaxNameLength
            ? trimmed
            : throw new ArgumentException($"Give the account a name of 1 to {UpstreamAccount.MaxNameLength} characters.", nameof(name));
    }

    internal static string CheckBaseUrl(string baseUrl)
    {
        var trimmed = baseUrl.Trim().TrimEnd('/');
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && trimmed.Length <= 500
            ? trimmed
            : throw new ArgumentException("The address must be an absolute http(s) URL, such as https://reapi.ai/api/v1.", nameof(baseUrl));
    }

    private static void CheckBudget(int requestsPerSecond, int windowMilliseconds)
    {
        if (requestsPerSecond is < 1 or > 1000)
        {
            throw new ArgumentException("Requests per window must be between 1 and 1000.", nameof(requestsPerSecond));
        }

        if (windowMilliseconds is < 1000 or > 5000)
        {
            throw new ArgumentException("The window must be between 1000 and 5000 ms.", nameof(windowMilliseconds));
        }
    }

    private sealed record Secret(string Name, string BaseUrl, string? Key, string ChatBaseUrl, string? ChatKey)
    {
        public override string ToString() => $"Secret {{ Name = {Name}, HasKey = {Key is not null}, HasChatKey = {ChatKey is not null} }}";
    }

    private sealed record Snapshot(IReadOnlyList<AccountInfo> Infos, IReadOnlyDictionary<Guid, Secret> Secrets)
    {
        public override string ToString() => $"Snapshot {{ Accounts = {Infos.Count} }}";
    }
}
