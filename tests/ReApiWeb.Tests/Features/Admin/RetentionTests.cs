using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

/// <summary>Retention removes old audit entries, archived files and ended sessions when set, and nothing when not.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Old_audit_entries_archived_files_and_ended_sessions_go_and_the_job_and_its_ledger_stay()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = TestApp.NewDataDirectory();
        await using var app = TestApp.Start(data, new Dictionary<string, string?>
        {
            ["Retention:AuditDays"] = "30",
            ["Retention:ArchivedOutputDays"] = "90",
            ["Retention:ExpiredSessionDays"] = "7",
        });
        var admin = await app.AdminIdAsync();
        var old = await app.AddJobAsync(admin, "an old picture", createdAt: DateTimeOffset.UtcNow.AddDays(-200));
        var recent = await app.AddJobAsync(admin, "a recent picture");
        await app.ArchiveAsync(data, old.Outputs[0]);
        await app.ArchiveAsync(data, recent.Outputs[0]);
        await using (var db = await app.DbAsync())
        {
            await db.JobOutputs.Where(o => o.Id == old.Outputs[0].Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.ArchivedAt, DateTimeOffset.UtcNow.AddDays(-120)), ct);
            db.Audit.Add(new AuditEntry { At = DateTimeOffset.UtcNow.AddDays(-45), ActorName = "Admin", Action = "test.old", Details = "old" });
            db.Audit.Add(new AuditEntry { At = DateTimeOffset.UtcNow.AddDays(-1), ActorName = "Admin", Action = "test.recent", Details = "recent" });
            db.Sessions.Add(new UserSession { UserId = admin, Ticket = [1], CreatedAt = DateTimeOffset.UtcNow.AddDays(-40), ExpiresAt = DateTimeOffset.UtcNow.AddDays(-10) });
            db.Sessions.Add(new UserSession { UserId = admin, Ticket = [2], CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(5) });
            db.Ledger.Add(new LedgerEntry { UserId = admin, JobId = old.Id, Kind = LedgerEntryKind.Adjustment, Credits = 30, At = old.CreatedAt, PeriodAt = old.CreatedAt });
            await db.SaveChangesAsync(ct);
        }

        var oldFile = Path.Combine(data, "outputs", (await ReadOutputAsync(app, old.Outputs[0].Id)).StoragePath!);
        // (The hourly run may take some of them first: what is left is what counts.)
        await app.Services.GetRequiredService<Retention>().ApplyAsync(ct);

        Assert.False(File.Exists(oldFile));
        var removed = await ReadOutputAsync(app, old.Outputs[0].Id);
        Assert.Null(removed.StoragePath);
        Assert.NotNull(removed.EvictedAt);
        Assert.Contains("after 90 days", removed.ArchiveError, StringComparison.Ordinal);
        Assert.NotNull((await ReadOutputAsync(app, recent.Outputs[0].Id)).StoragePath);
        await using var check = await app.DbAsync();
        Assert.True(await check.Jobs.AnyAsync(j => j.Id == old.Id, ct));
        Assert.True(await check.Ledger.AnyAsync(e => e.JobId == old.Id, ct));
        Assert.False(await check.Audit.AnyAsync(e => e.Action == "test.old", ct));
        Assert.True(await check.Audit.AnyAsync(e => e.Action == "test.recent", ct));
        Assert.Equal(1, await check.Sessions.CountAsync(s => s.UserId == admin, ct)); // the one still valid
    }

    [Fact]
    public async Task Without_settings_nothing_is_removed()
    {
        var data = TestApp.NewDataDirectory();
        await using var app = TestApp.Start(data);
        var job = await app.AddJobAsync(await app.AdminIdAsync(), "kept", createdAt: DateTimeOffset.UtcNow.AddYears(-3));
        await app.ArchiveAsync(data, job.Outputs[0]);
        Assert.Equal((0, 0, 0), await app.Services.GetRequiredService<Retention>().ApplyAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<JobOutput> ReadOutputAsync(TestApp app, Guid id)
    {
        await using var db = await app.DbAsync();
        return await db.JobOutputs.AsNoTracking().SingleAsync(o => o.Id == id);
    }
}
