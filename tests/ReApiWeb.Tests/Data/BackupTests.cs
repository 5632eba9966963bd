using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Data;

/// <summary>A backup made while jobs are being admitted restores into an empty data folder as a consistent, working app.</summary>
public sealed class BackupTests() : SandboxedAppTest("rk_live_backup_tests", TimeSpan.FromMilliseconds(300))
{
    private static BackupPlaces Places(string dataDirectory) =>
        BackupPlaces.From(new ConfigurationBuilder().AddInMemoryCollection(TestApp.Settings(dataDirectory)).Build());

    [Fact]
    public async Task A_backup_under_write_load_restores_a_consistent_ledger_jobs_outputs_and_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var submitter = App.Services.GetRequiredService<JobSubmitter>();
        var first = await submitter.SubmitAsync(admin, new JobRequest("z-image", new JsonObject { ["prompt"] = "archived before" }, Guid.NewGuid()), ct);
        await App.WaitForJobAsync(first.JobId!.Value, j => j.Status == JobStatus.Completed && j.Outputs.All(o => o.StoragePath != null));

        // Writers keep admitting jobs while the backup copies the database.
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                await submitter.SubmitAsync(admin, new JobRequest("z-image", new JsonObject { ["prompt"] = $"writer {w} job {n++}" }, Guid.NewGuid()), CancellationToken.None);
            }

            return n;
        }, ct)).ToList();
        await TestApp.UntilAsync(async () =>
        {
            await using var db = await App.DbAsync();
            return await db.Jobs.CountAsync(ct) > 10;
        }, TimeSpan.FromSeconds(30), "the writers are writing");

        var folder = Path.Combine(TestApp.NewDataDirectory(), "backup");
        var summary = await Backups.BackupAsync(Places(DataDirectory), folder, ct);
        Assert.StartsWith("Backed up to", summary, StringComparison.Ordinal);
        await stop.CancelAsync();
        var written = (await Task.WhenAll(writers)).Sum();
        Assert.True(written > 0);

        var restored = TestApp.NewDataDirectory();
        await Backups.RestoreAsync(Places(restored), folder, ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Backups.RestoreAsync(Places(restored), folder, ct)); // never over a database

        await using var copy = TestApp.Start(restored, TestApp.UpstreamSettings(Sandbox.BaseUri, Key));
        await using var db = await copy.DbAsync();
        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Outputs).ToListAsync(ct);
        Assert.InRange(jobs.Count, 2, 1 + written);
        var holds = await db.Ledger.Where(e => e.Kind == LedgerEntryKind.Hold).Select(e => e.JobId).ToListAsync(ct);
        Assert.All(jobs, j => Assert.Contains(j.Id, holds)); // a job and its hold were copied together or not at all
        var differences = await copy.Services.GetRequiredService<CreditTotals>().VerifyAsync(ct);
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));

        // The archived output's file came along, and the account's key (protected by the restored key ring) opens.
        var archived = jobs.Single(j => j.Id == first.JobId).Outputs.Single();
        Assert.True(File.Exists(Path.Combine(restored, "outputs", archived.StoragePath!)));
        var account = (await copy.DefaultAccountIdAsync())!.Value;
        Assert.True((await copy.Services.GetRequiredService<UpstreamClients>().TestAsync(account, ct)).Passed);
    }

    [Fact]
    public async Task The_command_line_makes_a_backup_of_a_running_app_and_refuses_a_folder_in_use()
    {
        var folder = Path.Combine(TestApp.NewDataDirectory(), "cli-backup");
        var settings = TestApp.UpstreamSettings(Sandbox.BaseUri, Key);
        using (var backup = AppProcess.StartCommand(DataDirectory, settings, "backup", folder))
        {
            Assert.Equal(0, await backup.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(backup.Output, line => line.StartsWith("Backed up to", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(Path.Combine(folder, Backups.DatabaseFile)));
        Assert.True(File.Exists(Path.Combine(folder, Backups.ManifestFile)));
        using var again = AppProcess.StartCommand(DataDirectory, settings, "backup", folder);
        Assert.Equal(1, await again.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(again.Output, line => line.Contains("is not empty", StringComparison.Ordinal));
    }
}
