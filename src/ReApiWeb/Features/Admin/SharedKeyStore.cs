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
public sealed class SharedKeyStore(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection, TimeProvider time)
{
    public const string SettingKey = "ReApi.SharedKey";

    private readonly IDataProtector _protector = protection.CreateProtector("ReApiWeb.SharedKey.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (bool Loaded, string? Key, DateTimeOffset? UpdatedAt) _cache;

    public event Action? Changed;

    internal async ValueTask<string?> GetKeyAsync(CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Key;

    public async Task<SharedKeyInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        var (_, key, updatedAt) = await LoadAsync(cancellationToken);
        return new SharedKeyInfo(key is not null, key is { Length: >= 4 } ? key[^4..] : null, updatedAt);
    }

    public async Task SetAsync(string key, Guid? by, CancellationToken cancellationToken)
    {
        var trimmed = key.Trim();
        ArgumentException.ThrowIfNullOrEmpty(trimmed, nameof(key));
        await SaveAsync(_protector.Protect(trimmed), by, cancellationToken);
    }

    public Task ClearAsync(Guid? by, CancellationToken cancellationToken) => SaveAsync(null, by, cancellationToken);

    private async Task SaveAsync(string? protectedValue, Guid? by, CancellationToken cancellationToken)
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
                db.Settings.Add(new AppSetting { Key = SettingKey, Value = protectedValue, UpdatedAt = time.GetUtcNow(), UpdatedBy = by });
            }
            else
            {
                setting.Value = protectedValue;
                setting.UpdatedAt = time.GetUtcNow();
                setting.UpdatedBy = by;
            }

            await db.SaveChangesAsync(cancellationToken);
            _cache = default;
        }
        finally
        {
            _gate.Release();
        }

        Changed?.Invoke();
    }

    private async ValueTask<(bool Loaded, string? Key, DateTimeOffset? UpdatedAt)> LoadAsync(CancellationToken cancellationToken)
    {
        if (_cache.Loaded)
        {
            return _cache;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_cache.Loaded)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var setting = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == SettingKey, cancellationToken);
                _cache = (true, setting is null ? null : _protector.Unprotect(setting.Value), setting?.UpdatedAt);
            }

            return _cache;
        }
        finally
        {
            _gate.Release();
        }
    }
}
