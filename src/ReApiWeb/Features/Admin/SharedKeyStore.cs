using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Admin;

/// <summary>What may be shown about the shared key: whether one is set and its last 4 characters, never more.</summary>
public sealed record SharedKeyInfo(bool IsSet, string? Last4, DateTimeOffset? UpdatedAt);

/// <summary>
/// Keeps the team's reAPI key encrypted with Data Protection in the database. The clear key leaves this class
/// only towards the upstream HTTP client.
/// </summary>
public sealed class SharedKeyStore(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection, AuditLog audit, TimeProvider time)
{
    public const string SettingKey = "ReApi.SharedKey";

    /// <summary>Set once a key was first stored, so a key an admin removed is never seeded again from configuration.</summary>
    public const string SeededKey = "ReApi.SharedKey.Seeded";

    private readonly IDataProtector _protector = protection.CreateProtector("ReApiWeb.SharedKey.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Replaced whole, never mutated: readers outside the lock see either the old or the new snapshot.
    private volatile Snapshot? _cache;

    public event Action? Changed;

    internal async ValueTask<string?> GetKeyAsync(CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Key;

    public async Task<SharedKeyInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var snapshot = await LoadAsync(cancellationToken);
        return new SharedKeyInfo(snapshot.Key is not null, snapshot.Key is { Length: >= 4 } key ? key[^4..] : null, snapshot.UpdatedAt);
    }

    /// <summary>Stores <paramref name="key"/> only if no key was ever stored before (configuration seeds the first one).</summary>
    public async Task SeedAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Settings.AnyAsync(s => s.Key == SeededKey || s.Key == SettingKey, cancellationToken))
        {
            return;
        }

        await SetAsync(key, by: null, cancellationToken);
    }

    /// <summary>Stores (or rotates to) <paramref name="key"/>; <paramref name="by"/> is null only for the configuration's seed.</summary>
    public async Task SetAsync(string key, Actor? by, CancellationToken cancellationToken)
    {
        var trimmed = key.Trim();
        ArgumentException.ThrowIfNullOrEmpty(trimmed, nameof(key));
        await SaveAsync(_protector.Protect(trimmed), by, $"Shared key set (ending in …{(trimmed.Length >= 4 ? trimmed[^4..] : "")})", cancellationToken);
    }

    /// <summary>Deactivates the key: jobs cannot be submitted until an admin sets one again.</summary>
    public Task ClearAsync(Actor by, CancellationToken cancellationToken) => SaveAsync(null, by, "Shared key removed", cancellationToken);

    private async Task SaveAsync(string? protectedValue, Actor? by, string change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var setting = await db.Settings.FindAsync([SettingKey], cancellationToken);
            if (protectedValue is null)
            {
                if (setting is not null)
                {
                    db.Settings.Remove(setting);
                }
            }
            else if (setting is null)
            {
                db.Settings.Add(new AppSetting { Key = SettingKey, Value = protectedValue, UpdatedAt = time.GetUtcNow(), UpdatedBy = by?.Id });
                if (await db.Settings.FindAsync([SeededKey], cancellationToken) is null)
                {
                    db.Settings.Add(new AppSetting { Key = SeededKey, Value = "true", UpdatedAt = time.GetUtcNow(), UpdatedBy = by?.Id });
                }
            }
            else
            {
                setting.Value = protectedValue;
                setting.UpdatedAt = time.GetUtcNow();
                setting.UpdatedBy = by?.Id;
            }

            if (by is not null)
            {
                await audit.AddAdminChangeAsync(db, by, protectedValue is null ? "key.remove" : "key.set", change, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            _cache = null;
        }
        finally
        {
            _gate.Release();
        }

        Changed?.Invoke();
    }

    private async ValueTask<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache is not { } snapshot)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var setting = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == SettingKey, cancellationToken);
                snapshot = new Snapshot(setting is null ? null : _protector.Unprotect(setting.Value), setting?.UpdatedAt);
                _cache = snapshot;
            }

            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Snapshot(string? Key, DateTimeOffset? UpdatedAt)
    {
        public override string ToString() => $"Snapshot {{ IsSet = {Key is not null} }}";
    }
}
