using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Data;

/// <summary>
/// The database drops every connection the app holds (a restart, a failover, a proxy closing idle connections): the
/// next transaction runs again on a new connection instead of failing the person's action.
/// </summary>
public sealed class PostgresResilienceTests(PostgresServer postgres)
{
    [Fact]
    public async Task Transactions_run_again_on_a_new_connection_when_the_database_dropped_the_old_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?>();
        await postgres.UseAsync(settings);
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        var admin = await app.AdminIdAsync();
        var quotas = app.Services.GetRequiredService<QuotaAdmin>();
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        await quotas.AdjustAsync(admin, 1_000, "before the drop", new Actor(admin, "Admin"), ct);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Default"]).Database;

        for (var round = 0; round < 3; round++)
        {
            await postgres.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
            await quotas.AdjustAsync(admin, 1_000, $"after drop {round}", new Actor(admin, "Admin"), ct);

            await postgres.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
            var result = await submitter.SubmitAsync(admin, new JobRequest("z-image", new JsonObject { ["prompt"] = $"after drop {round}" }, Guid.NewGuid()), ct);
            Assert.NotNull(result.JobId);
        }

        await using var db = await app.DbAsync();
        Assert.Equal(4, await db.Ledger.CountAsync(e => e.Kind == LedgerEntryKind.Adjustment, ct));
        Assert.Equal(3, await db.Jobs.CountAsync(ct));
    }
}
