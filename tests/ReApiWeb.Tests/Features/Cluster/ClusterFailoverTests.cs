using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Features.Credits;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Cluster;

/// <summary>Three app processes on one PostgreSQL database, one Redis and one reAPI account, and the leader killed with -9.</summary>
public sealed class ClusterFailoverTests(PostgresServer postgres, RedisServer redis)
{
    private const string Key = "rk_live_failover";
    private static readonly JobStatus[] Settled = [JobStatus.Completed, JobStatus.Failed, JobStatus.Rejected, JobStatus.Unconfirmed];

    [Fact]
    public async Task The_leader_killed_mid_load_leaves_every_job_settled_once_and_the_budget_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Seed = 5;
            o.FailureRate = 0.2;
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(3);
            o.DurationJitter = 0.5;
        });
        var settings = await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
        settings["Logging:LogLevel:ReApiWeb.Features.Cluster"] = "Information"; // says which instance leads
        string token;
        await using (var setup = TestApp.Start(TestApp.NewDataDirectory(), settings))
        {
            token = (await setup.Services.GetRequiredService<PersonalTokens>().CreateAsync(await setup.AdminIdAsync(), "failover", TimeSpan.FromDays(1), CancellationToken.None)).Secret;
        }

        var instances = Enumerable.Range(0, 3).Select(_ => AppProcess.Start(TestApp.NewDataDirectory(), settings)).ToList();
        var clients = instances.ToDictionary(p => p, p =>
        {
            var http = new HttpClient { BaseAddress = p.BaseUri };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        });
        try
        {
            await Task.WhenAll(instances.Select(p => p.WaitHealthyAsync(TimeSpan.FromSeconds(120))));
            await TestApp.UntilAsync(() => instances.Count(Leads) == 1, TimeSpan.FromSeconds(30), "one instance leads");
            var leader = instances.Single(Leads);

            // Poisson arrivals, 4 a second on average, spread over the instances still running; the leader is killed
            // half-way, while tasks it polls run upstream and submissions reach the others.
            var random = new Random(3);
            var submissions = new List<Task>();
            for (var i = 0; i < 40; i++)
            {
                if (i == 20)
                {
                    leader.Kill();
                }

                var running = instances.Where(p => !p.HasExited).ToList();
                submissions.Add(SubmitAsync(clients[running[i % running.Count]], $"failover job {i}"));
                await Task.Delay(TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / 4), ct);
            }

            await Task.WhenAll(submissions);
            await TestApp.UntilAsync(() => instances.Where(p => !p.HasExited).Count(Leads) == 1, TimeSpan.FromSeconds(30), "another instance leads");

            var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(settings["ConnectionStrings:Default"]).Options;
            await TestApp.UntilAsync(async () =>
            {
                await using var probe = new PostgresAppDbContext(options);
                return await probe.Jobs.CountAsync(ct) >= 20 && await probe.Jobs.AllAsync(j => Settled.Contains(j.Status), ct);
            }, TimeSpan.FromSeconds(120), "every job settles");

            await using var db = new PostgresAppDbContext(options);
            var jobs = await db.Jobs.AsNoTracking().ToListAsync(ct);
            Assert.Contains(jobs, j => j.Status == JobStatus.Completed);
            Assert.Contains(jobs, j => j.Status == JobStatus.Failed);
            Assert.All(sandbox.State.Tasks.GroupBy(t => t.Prompt), tasks => Assert.Single(tasks)); // never sent twice
            await LedgerInvariants.AssertHoldAsync(db, sandbox, new SandboxOptions().StartingBalance);

            var budget = sandbox.State.StatisticsOf(Key);
            Assert.Equal(0, budget.RateLimited);
            Assert.True(budget.MaxRequestsInWindow <= 10, $"{budget.MaxRequestsInWindow} requests in one window");
        }
        finally
        {
            foreach (var instance in instances)
            {
                clients[instance].Dispose();
                instance.Dispose();
            }
        }
    }

    private static bool Leads(AppProcess instance) =>
        !instance.HasExited && instance.Output.Any(line => line.Contains("This instance now leads", StringComparison.Ordinal));

    private static async Task SubmitAsync(HttpClient http, string prompt)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/v1/images/generations", new { model = "z-image", prompt });
        }
        catch (HttpRequestException)
        {
            // Sent to the leader as it was killed.
        }
    }
}
