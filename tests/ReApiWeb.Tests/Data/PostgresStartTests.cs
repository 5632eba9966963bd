using System.Net;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Data;

/// <summary>Instances on one PostgreSQL database: started together on an empty one, they migrate and seed it once.</summary>
public sealed class PostgresStartTests(PostgresServer postgres)
{
    [Fact]
    public async Task Three_instances_started_at_once_on_an_empty_database_all_come_up_with_one_history_and_one_admin()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?>
        {
            // A key ring every instance reads (a shared volume in a real deployment): what one instance encrypts in the
            // database, the others can read.
            ["DataProtection:KeyRingDirectory"] = Path.Combine(TestApp.NewDataDirectory(), "keys"),
        };
        await postgres.UseAsync(settings);

        using var go = new ManualResetEventSlim();
        var starting = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            go.Wait(ct);
            return TestApp.Start(TestApp.NewDataDirectory(), settings);
        })).ToArray();
        go.Set();
        var apps = new List<TestApp>();
        Exception? failure = null;
        foreach (var instance in starting)
        {
            try
            {
                apps.Add(await instance);
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }

        try
        {
            Assert.True(failure is null, $"An instance did not start: {failure}");
            foreach (var app in apps)
            {
                using var client = app.AnonymousClient();
                using var health = await client.GetAsync("/health", ct);
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            await using var db = await apps[0].DbAsync();
            Assert.Equal(1, await db.Users.CountAsync(u => u.Email == TestApp.AdminEmail, ct));
            Assert.Equal(db.Database.GetMigrations().Count(), (await db.Database.GetAppliedMigrationsAsync(ct)).Count());
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_is_unreachable_and_liveness_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?>();
        await postgres.UseAsync(settings);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Default"]).Database;
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        using var client = app.AnonymousClient();

        // The database refuses new connections and its open ones are ended, as when its server goes away.
        await postgres.ExecuteAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        using (var health = await client.GetAsync("/health", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode); // take it out of the load balancer
        }

        using (var alive = await client.GetAsync("/alive", ct))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode); // but do not restart it
        }

        await postgres.ExecuteAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        using var back = await client.GetAsync("/health", ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    /// <summary>A database that does not exist (or refuses the user): one line saying so, exit code 1, no stack trace.</summary>
    [Fact]
    public async Task A_database_that_cannot_be_used_stops_the_start_with_a_clear_message()
    {
        var settings = new Dictionary<string, string?>();
        await postgres.UseAsync(settings);
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Default"]) { Database = "no_such_database" };
        settings["ConnectionStrings:Default"] = missing.ConnectionString;

        using var process = AppProcess.Start(TestApp.NewDataDirectory(), settings);
        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        var output = string.Join("\n", process.Output);
        Assert.Contains("ReApiWeb cannot start: the database (ConnectionStrings:Default) cannot be used", output);
        Assert.Contains("\"no_such_database\" does not exist", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
    }
}
