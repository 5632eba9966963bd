using Microsoft.EntityFrameworkCore;

namespace ReApiWeb.Data;

/// <summary>Reading and writing one <see cref="AppSetting"/> by key.</summary>
public static class SettingsExtensions
{
    public static Task<string?> SettingAsync(this AppDbContext db, string key, CancellationToken cancellationToken) =>
        db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Adds or changes the setting in <paramref name="db"/>; the caller saves.</summary>
    public static async Task SetSettingAsync(this AppDbContext db, string key, string value, Guid? by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var row = await db.Settings.SingleOrDefaultAsync(s => s.Key == key, cancellationToken)
            ?? db.Settings.Add(new AppSetting { Key = key, Value = "" }).Entity;
        row.Value = value;
        row.UpdatedAt = at;
        row.UpdatedBy = by;
    }
}
