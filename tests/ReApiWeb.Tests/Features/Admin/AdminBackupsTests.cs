using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

/// <summary>"Back up now" on the System page: an admin's backup is complete and audited (inside itself); a member cannot make one.</summary>
public sealed class AdminBackupsTests
{
    [Fact]
    public async Task An_admins_backup_holds_the_database_and_its_own_audit_entry_and_a_member_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = TestApp.NewDataDirectory();
        await using var app = TestApp.Start(data);
        var backups = app.Services.GetRequiredService<AdminBackups>();
        var admin = new Actor(await app.AdminIdAsync(), "Administrator", null);
        var member = new Actor(await app.AddLocalUserAsync("member@test.local", "member-password-1"), "member", null);

        await Assert.ThrowsAsync<AdminRightsException>(() => backups.BackUpAsync(member, ct));
        Assert.Empty(backups.List());

        var said = await backups.BackUpAsync(admin, ct);
        Assert.Contains("database", said);
        var made = Assert.Single(backups.List());
        var folder = Path.Combine(data, "backups", made.Name);
        Assert.True(File.Exists(Path.Combine(folder, Backups.ManifestFile)));
        Assert.True(made.DatabaseBytes > 0);

        // The copy is a database of its own, with the entry that says who made it.
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, Backups.DatabaseFile)};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync(ct);
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Audit WHERE Action = 'Backup made'";
        Assert.Equal(1L, await command.ExecuteScalarAsync(ct));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "Backup made" && a.ActorId == admin.Id, ct));
    }
}
