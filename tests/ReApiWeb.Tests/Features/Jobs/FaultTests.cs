using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Tests.Features.Credits;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// The app against a sandbox that misbehaves on purpose (5xx, dropped connections and answers too late on polls,
/// connections dropped after a task was created, 429 bursts), with a restart in the middle: every job must settle, reAPI must have
/// received at most one task per job, and no job may be finalised twice.
/// </summary>
public sealed class FaultTests(PostgresServer postgres)
{
    private const string Key = "rk_live_fault_tests";
    private static readonly JobStatus[] Settled = [JobStatus.Completed, JobStatus.Failed, JobStatus.Rejected, JobStatus.Unconfirmed];

    private const string SecondKey = "rk_live_fault_tests_second";

    /// <summary>With two accounts, a member's group is served by the second: half the jobs go to each, under the same faults.</summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public async Task Under_faults_and_a_restart_every_job_settles_with_at_most_one_task_each(int accounts, bool onPostgres)
    {
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.AddRange(accounts == 1 ? [Key] : [Key, SecondKey]);
            o.Seed = 11;
            o.FailureRate = 0.1;
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(2);
            o.DurationJitter = 0.5;
            o.Faults = new SandboxFaults
            {
                PollServerErrorRate = 0.2,
                PollResetRate = 0.1,
                PollSlowRate = 0.05,
                SlowAnswerDelay = TimeSpan.FromSeconds(6),
                SubmitResetAfterCreateRate = 0.3,
                SpuriousRateLimitRate = 0.1,
            };
        });
        var data = TestApp.NewDataDirectory();
        var settings = TestApp.UpstreamSettings(sandbox.BaseUri, Key);
        settings["ReApi:RequestTimeoutSeconds"] = "5";
        if (accounts == 2)
        {
            TwoAccounts.Configure(settings, Key, SecondKey);
        }

        if (onPostgres)
        {
            await postgres.UseAsync(settings);
        }

        var prompts = Enumerable.Range(0, 24).Select(i => $"fault job {i}").ToList();

        List<Guid> jobIds;
        IReadOnlyDictionary<Guid, string>? keys = null;
        await using (var first = TestApp.Start(data, settings))
        {
            var submitter = first.Services.GetRequiredService<JobSubmitter>();
            Guid[] owners = [await first.AdminIdAsync()];
            if (accounts == 2)
            {
                var member = await first.AddLocalUserAsync("second@test.local", "second-password-1");
                await TwoAccounts.JoinSecondAsync(first, member);
                owners = [.. owners, member];
                keys = await TwoAccounts.KeysAsync(first, Key, SecondKey);
            }

            var results = await Task.WhenAll(prompts.Select((p, i) =>
                submitter.SubmitAsync(owners[i % owners.Length], new JobRequest("z-image", new JsonObject { ["prompt"] = p }, Guid.NewGuid()), CancellationToken.None)));
            jobIds = [.. results.Select(r => r.JobId!.Value)];
        }

        // Restarted while tasks are still running upstream. About a third of the polls fail, so a few tasks take several
        // backed-off retries: the whole set has one generous deadline rather than each job a short one.
        await using var second = TestApp.Start(data, settings);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(4);
        foreach (var id in jobIds)
        {
            await second.WaitForJobAsync(id, j => Settled.Contains(j.Status) && (j.Status != JobStatus.Completed || j.Outputs.All(o => o.StoragePath != null)), deadline - DateTimeOffset.UtcNow);
        }

        await using var db = await second.DbAsync();
        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Outputs).ToListAsync(TestContext.Current.CancellationToken);
        var tasksByPrompt = sandbox.State.Tasks.GroupBy(t => t.Prompt).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(jobs, job =>
        {
            var created = tasksByPrompt.GetValueOrDefault(job.Prompt) ?? [];
            Assert.True(created.Count <= 1, $"{job.Prompt}: reAPI received {created.Count} tasks");
            if (job.TaskId is not null)
            {
                Assert.Equal(job.TaskId, Assert.Single(created).Id);
            }

            switch (job.Status)
            {
                case JobStatus.Completed:
                    Assert.Single(job.Outputs);
                    break;
                case JobStatus.Failed:
                    Assert.True(created.Single().Refunded);
                    break;
                case JobStatus.Rejected:
                    Assert.Empty(created);
                    break;
            }
        });
        Assert.Contains(jobs, j => j.Status == JobStatus.Completed);
        Assert.Contains(jobs, j => j.Status == JobStatus.Unconfirmed); // the resets after create
        await LedgerInvariants.AssertHoldAsync(db, sandbox, new SandboxOptions().StartingBalance, keys);
    }

    [Fact]
    public async Task A_killed_app_leaves_no_job_charged_twice_and_the_next_start_settles_them_all()
    {
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(3);
            o.DurationJitter = 0.5;
        });
        var data = TestApp.NewDataDirectory();
        var settings = TestApp.UpstreamSettings(sandbox.BaseUri, Key);
        string token;
        await using (var setup = TestApp.Start(data, settings))
        {
            token = (await setup.Services.GetRequiredService<PersonalTokens>().CreateAsync(await setup.AdminIdAsync(), "kill test", TimeSpan.FromDays(30), CancellationToken.None)).Secret;
        }

        var killedAt = DateTimeOffset.UtcNow;
        using (var process = AppProcess.Start(data, settings))
        {
            await process.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = process.BaseUri };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var submissions = Enumerable.Range(0, 30).Select(i => SubmitIgnoringTheOutcomeAsync(http, $"killed job {i}")).ToList();

            // Kill it while tasks it knows of run upstream and submissions are still arriving.
            var database = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(data, "app.db")}").Options;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                await using var probe = new AppDbContext(database);
                if (await probe.Jobs.CountAsync(j => j.Status == JobStatus.Processing, deadline.Token) >= 5)
                {
                    break;
                }

                await Task.Delay(20, deadline.Token);
            }

            killedAt = DateTimeOffset.UtcNow;
            process.Kill();
            await Task.WhenAll(submissions);
        }

        await using var next = TestApp.Start(data, settings);
        await using var db = await next.DbAsync();
        var ids = await db.Jobs.Select(j => j.Id).ToListAsync(TestContext.Current.CancellationToken);
        foreach (var id in ids)
        {
            await next.WaitForJobAsync(id, j => Settled.Contains(j.Status) && (j.Status != JobStatus.Completed || j.Outputs.All(o => o.StoragePath != null)), TimeSpan.FromSeconds(60));
        }

        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Outputs).ToListAsync(TestContext.Current.CancellationToken);
        var jobsByPrompt = jobs.ToDictionary(j => j.Prompt);
        Assert.All(sandbox.State.Tasks.GroupBy(t => t.Prompt), tasks =>
        {
            Assert.Single(tasks); // never sent twice
            Assert.True(jobsByPrompt.ContainsKey(tasks.Key), $"reAPI charged for '{tasks.Key}', which has no job"); // the job row comes first
        });
        Assert.All(jobs.Where(j => j.TaskId is not null), j => Assert.Equal(JobStatus.Completed, j.Status));
        Assert.Contains(jobs, j => j.Status == JobStatus.Completed && j.FinishedAt > killedAt); // in flight at the kill, finished by the next start
        await LedgerInvariants.AssertHoldAsync(db, sandbox, new SandboxOptions().StartingBalance);
    }

    private static async Task SubmitIgnoringTheOutcomeAsync(HttpClient http, string prompt)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/v1/images/generations", new { model = "z-image", prompt });
        }
        catch (HttpRequestException)
        {
            // The app was killed while this submission was on its way.
        }
    }

    [Fact]
    public async Task Concurrent_finalisations_of_one_job_book_it_exactly_once()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var job = new Job
        {
            OwnerId = await app.AdminIdAsync(),
            ModelId = "z-image",
            Prompt = "raced",
            RequestJson = """{"model":"z-image","prompt":"raced"}""",
            SubmissionKey = Guid.NewGuid(),
            Status = JobStatus.Processing,
            TaskId = "task_00000000000000000000000000000001",
            CreatedAt = DateTimeOffset.UtcNow,
            SubmittedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = await app.DbAsync())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var finalizer = app.Services.GetRequiredService<JobFinalizer>();
        var target = new PollTarget(job.Id, job.OwnerId, job.TaskId, job.ModelId, job.SubmittedAt.Value);
        var completed = new ReApiTask(job.TaskId, job.ModelId, ReApiTaskStatus.Completed, null,
            new JsonObject { ["image_urls"] = new JsonArray("https://cdn.example/0.png") }, null);

        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? finalizer.CompleteAsync(target, completed, new UpstreamDuration(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), CancellationToken.None)
            : finalizer.FailAsync(target, new ReApiTaskError(80003, "late"), CancellationToken.None)));

        Assert.Equal(1, wins.Count(w => w));
        await using var check = await app.DbAsync();
        var stored = await check.Jobs.Include(j => j.Outputs).SingleAsync(j => j.Id == job.Id, TestContext.Current.CancellationToken);
        Assert.True(stored.Status is JobStatus.Completed or JobStatus.Failed);
        Assert.Equal(stored.Status == JobStatus.Completed ? 1 : 0, stored.Outputs.Count);
    }
}
