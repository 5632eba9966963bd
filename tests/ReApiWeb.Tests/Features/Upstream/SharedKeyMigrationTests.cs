using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Upstream;

/// <summary>An installation from before accounts (one shared key in the settings) upgraded in place.</summary>
public sealed class SharedKeyMigrationTests
{
    private const string SharedKey = "rk_live_before_accounts_5678";

    [Fact]
    public async Task The_shared_key_becomes_the_account_default_and_its_jobs_in_flight_finish_on_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(SharedKey);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
        });
        var data = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?> { ["ReApi:BaseUrl"] = sandbox.BaseUri.AbsoluteUri, ["Sandbox:Enabled"] = "false" };
        await using (var fresh = TestApp.Start(data, settings))
        {
            // Only to make the database and the key ring; the database is then taken back to the version before accounts.
            await using var db = await fresh.DbAsync();
            await db.GetService<IMigrator>().MigrateAsync("20261201030759_PromptTemplates", ct);
        }

        // As the earlier version left it: the key in the settings, a task in flight, a reading of the key's balance.
        sandbox.State.Submit(ReApi.Client.ReApiEndpoint.Images, new System.Text.Json.Nodes.JsonObject { ["model"] = "z-image", ["prompt"] = "in flight at the upgrade" }, SharedKey, out var task);
        var protector = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(data, "keys")), b => b.SetApplicationName("ReApiWeb")).CreateProtector("ReApiWeb.SharedKey.v1");
        var jobId = Guid.CreateVersion7();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "app.db")};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO Settings (Key, Value, UpdatedAt, UpdatedBy) VALUES ('ReApi.SharedKey', $key, $now, NULL), ('ReApi.SharedKey.Seeded', 'true', $now, NULL);
                INSERT INTO BalanceReadings (At, Balance, Account) VALUES ($now, 100000, 'key …5678');
                INSERT INTO Jobs (Id, OwnerId, ModelId, Prompt, RequestJson, SubmissionKey, Status, TaskId, CreatedAt, SubmittedAt, Visibility, PollCount, BatchIndex)
                SELECT $job, Id, 'z-image', 'in flight at the upgrade', '{"model":"z-image","prompt":"in flight at the upgrade"}', $submission, 'Processing', $task, $now, $now, 'Private', 0, 0 FROM Users LIMIT 1;
                INSERT INTO Ledger (UserId, JobId, Kind, Credits, At, PeriodAt, ModelId) SELECT OwnerId, Id, 'Hold', 8, $now, $now, 'z-image' FROM Jobs;
                INSERT INTO Ledger (UserId, JobId, Kind, Credits, At, PeriodAt, ModelId) SELECT OwnerId, Id, 'Charge', 8, $now, $now, 'z-image' FROM Jobs;
                """;
            command.Parameters.AddWithValue("$now", new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertToProvider(DateTimeOffset.UtcNow));
            command.Parameters.AddWithValue("$key", protector.Protect(SharedKey));
            command.Parameters.AddWithValue("$job", jobId.ToString().ToUpperInvariant());
            command.Parameters.AddWithValue("$submission", Guid.NewGuid().ToString().ToUpperInvariant());
            command.Parameters.AddWithValue("$task", task!.Id);
            await command.ExecuteNonQueryAsync(ct);
        }

        await using var upgraded = TestApp.Start(data, settings);
        var account = Assert.Single(await upgraded.Services.GetRequiredService<UpstreamAccounts>().ListAsync(ct));
        Assert.Equal(("Default", "5678", sandbox.BaseUri.AbsoluteUri.TrimEnd('/'), true), (account.Name, account.KeyLast4, account.BaseUrl, account.TakesJobs));
        Assert.Equal(UpstreamAccounts.MigratedDefaultId, account.Id);

        var job = await upgraded.WaitForJobAsync(jobId, j => j.Status == JobStatus.Completed);
        Assert.Equal(account.Id, job.AccountId);
        await using var after = await upgraded.DbAsync();
        Assert.All(await after.BalanceReadings.ToListAsync(ct), r => Assert.Equal(account.Id, r.AccountId)); // the earlier reading and those since

        // The ledger names the job's account, the earlier reading what had been booked on it by then, and the totals
        // were rebuilt with the account's row.
        Assert.All(await after.Ledger.ToListAsync(ct), e => Assert.Equal(account.Id, e.AccountId));
        Assert.Equal(8, (await after.BalanceReadings.OrderBy(r => r.Id).FirstAsync(ct)).Booked);
        var totals = upgraded.Services.GetRequiredService<ReApiWeb.Features.Credits.CreditTotals>();
        Assert.Empty(await totals.VerifyAsync(ct));
        Assert.Equal(8, (await totals.ForAccountAsync(after, account.Id, CreditTotalPeriod.All, DateTimeOffset.UtcNow, ct)).Spent);
        Assert.False(await after.Settings.AnyAsync(s => s.Key == "ReApi.SharedKey", ct));
        Assert.True(await after.Settings.AnyAsync(s => s.Key == UpstreamAccounts.SeededKey, ct));
    }
}
