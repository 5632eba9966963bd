using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Features.Events;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// The app against the sandbox as a separate HTTP server on loopback: the real client, poller and database, on SQLite
/// (<see cref="JobLifecycleTests"/>) and on PostgreSQL (<see cref="JobLifecycleOnPostgresTests"/>).
/// </summary>
public abstract class JobLifecycle(PostgresServer? postgres) : IAsyncLifetime
{
    private const string SharedKey = "rk_live_team_shared_key";
    private readonly string _data = TestApp.NewDataDirectory();
    private readonly Dictionary<string, string?> _database = [];
    private SandboxServer _sandbox = default!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(SharedKey);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
            o.ModelDurations["flux-2"] = TimeSpan.FromSeconds(6); // the restart test's task outlives the first app instance
            o.DurationJitter = 0;
        });
        if (postgres is not null)
        {
            await postgres.UseAsync(_database); // one database for the test, through its restarts
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private TestApp StartApp(string? key = SharedKey, string? baseUrl = null)
    {
        var settings = TestApp.UpstreamSettings(baseUrl is null ? _sandbox.BaseUri : new Uri(baseUrl), key);
        foreach (var (name, value) in _database)
        {
            settings[name] = value;
        }

        return TestApp.Start(_data, settings);
    }

    /// <summary>The app's database, opened by the test while no instance runs.</summary>
    private AppDbContext DatabaseWhileStopped() => _database.TryGetValue("ConnectionStrings:Default", out var postgresDatabase)
        ? new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(postgresDatabase).Options)
        : new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "app.db")}").Options);

    private static JobRequest Request(string prompt, string model = "gpt-image-2") =>
        new(model, new JsonObject { ["prompt"] = prompt, ["size"] = "16:9" }, Guid.NewGuid());

    [Fact]
    public async Task A_job_completes_and_its_image_is_archived_and_served_to_its_owner()
    {
        await using var app = StartApp();
        var owner = await app.AdminIdAsync();

        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(owner, Request("a lighthouse at dawn"), CancellationToken.None);

        Assert.Equal(JobStatus.Processing, result.Status);
        var job = await app.WaitForJobAsync(result.JobId!.Value, j => j.Outputs.Count == 1 && j.Outputs[0].StoragePath != null);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("task_", job.TaskId, StringComparison.Ordinal);
        Assert.Contains("image_urls", job.OutputJson, StringComparison.Ordinal);

        using var client = await app.SignedInClientAsync();
        using var image = await client.GetAsync($"/outputs/{job.Outputs[0].Id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        using var anonymous = app.AnonymousClient();
        using var refused = await anonymous.GetAsync($"/outputs/{job.Outputs[0].Id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_failed_task_shows_reapis_code_and_message()
    {
        await using var app = StartApp();
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("forbidden [fail]"), CancellationToken.None);

        var job = await app.WaitForJobAsync(result.JobId!.Value, j => j.Status.IsTerminal());

        Assert.Equal((JobStatus.Failed, 80006, "Request violates content policy"), (job.Status, job.ErrorCode, job.ErrorMessage));
    }

    [Fact]
    public async Task Invalid_input_is_refused_before_anything_is_stored_or_sent()
    {
        await using var app = StartApp();
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var owner = await app.AdminIdAsync();

        var empty = await submitter.SubmitAsync(owner, Request(""), CancellationToken.None);
        var tooLong = await submitter.SubmitAsync(owner, Request(new string('x', 4001)), CancellationToken.None);
        var badSize = await submitter.SubmitAsync(owner, new JobRequest("imagen-4-0", new JsonObject { ["prompt"] = "x", ["size"] = "2:1" }, Guid.NewGuid()), CancellationToken.None);

        Assert.Equal("Prompt is required.", Assert.Single(empty.Problems).Message);
        Assert.Contains("at most 4000", Assert.Single(tooLong.Problems).Message, StringComparison.Ordinal);
        Assert.Equal("size", Assert.Single(badSize.Problems).Field);
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Jobs.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, _sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task A_wrong_key_seeded_from_configuration_fails_its_test_at_start_and_takes_no_job()
    {
        await using var app = StartApp(key: "rk_live_not_the_right_key");
        var account = Assert.Single(await app.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None));
        Assert.False(account.TakesJobs);
        Assert.Contains("refused the key", account.KeyProblem, StringComparison.Ordinal);

        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("a fox"), CancellationToken.None);

        Assert.Null(result.JobId);
        Assert.Equal(503, result.UnavailableStatus);
        Assert.Contains("key has not passed a test", result.Unavailable, StringComparison.Ordinal);
        Assert.Equal(0, _sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task A_key_revoked_after_its_test_rejects_the_job_with_a_clear_message_keeps_it_and_stops_routing_to_the_account()
    {
        await using var app = StartApp();
        _sandbox.State.Revoke(SharedKey);
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var result = await submitter.SubmitAsync(await app.AdminIdAsync(), Request("a fox"), CancellationToken.None);

        Assert.Equal(JobStatus.Rejected, result.Status);
        Assert.Contains("refused the team's key", result.Error, StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        var job = await db.Jobs.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((JobStatus.Rejected, 10004), (job.Status, job.ErrorCode));

        // The account's key is known bad now: the next job is not sent to it (nor anywhere).
        var account = Assert.Single(await app.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None));
        Assert.False(account.TakesJobs);
        var next = await submitter.SubmitAsync(await app.AdminIdAsync(), Request("another fox"), CancellationToken.None);
        Assert.Null(next.JobId);
        Assert.Equal(503, next.UnavailableStatus);
    }

    [Fact]
    public async Task An_unreachable_upstream_rejects_the_job_with_a_clear_message()
    {
        // The key passed its test at start; then reAPI's address stops answering.
        await using var app = StartApp();
        await _sandbox.DisposeAsync();
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("a fox"), CancellationToken.None);

        Assert.Equal(JobStatus.Rejected, result.Status);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_whose_name_does_not_resolve_rejects_the_job_and_gives_its_hold_back()
    {
        // Nothing left the server (no address to send to), so the outcome is known: no task, no charge. The key is
        // taken as tested (as if its name resolved then), so the job is admitted and sent.
        await using var app = StartApp(baseUrl: "http://reapi-upstream.invalid/api/v1");
        await app.Services.GetRequiredService<UpstreamAccounts>().RecordTestAsync((await app.DefaultAccountIdAsync())!.Value, null, keyRefused: false, CancellationToken.None);
        var owner = await app.AdminIdAsync();
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(owner, Request("a fox"), CancellationToken.None);

        Assert.Equal(JobStatus.Rejected, result.Status);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        var kinds = await db.Ledger.Where(l => l.JobId == result.JobId).OrderBy(l => l.Id).Select(l => l.Kind).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([LedgerEntryKind.Hold, LedgerEntryKind.Release], kinds);
        Assert.Equal(0, (await app.Services.GetRequiredService<ReApiWeb.Features.Credits.CreditBalances>().ForUserAsync(owner, CancellationToken.None)).Reserved);
    }

    [Fact]
    public async Task The_same_submission_key_never_makes_a_second_job()
    {
        await using var app = StartApp();
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var owner = await app.AdminIdAsync();
        var request = Request("twice");

        var results = await Task.WhenAll(submitter.SubmitAsync(owner, request, CancellationToken.None), submitter.SubmitAsync(owner, request, CancellationToken.None));

        Assert.Equal(results[0].JobId, results[1].JobId);
        Assert.Equal(1, _sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task Tasks_in_flight_when_the_app_stops_are_followed_after_a_restart()
    {
        Guid jobId;
        await using (var first = StartApp())
        {
            // flux-2 runs 6 s in this sandbox, so the task is still running upstream when this instance stops;
            // the sandbox, a separate server, outlives both instances.
            var request = new JobRequest("flux-2", new JsonObject { ["prompt"] = "slow fox" }, Guid.NewGuid());
            var result = await first.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await first.AdminIdAsync(), request, CancellationToken.None);
            jobId = result.JobId!.Value;
            Assert.Equal(JobStatus.Processing, result.Status);
        }

        await using (var db = DatabaseWhileStopped())
        {
            Assert.Equal(JobStatus.Processing, (await db.Jobs.SingleAsync(j => j.Id == jobId, TestContext.Current.CancellationToken)).Status);
        }

        await using var second = StartApp();
        var job = await second.WaitForJobAsync(jobId, j => j.Status == JobStatus.Completed && j.Outputs.All(o => o.StoragePath != null) && j.Outputs.Count > 0);

        Assert.Equal(1, _sandbox.State.Statistics.Submissions);
        Assert.NotNull(job.FinishedAt);
    }

    /// <summary>
    /// The scheduler learns from what the polls saw: a finished task ran between the last poll that found it running and
    /// the one that found it done. The row keeps both ends and the request's duration class, and the next start learns
    /// the same interval for the same class.
    /// </summary>
    [Fact]
    public async Task What_a_finished_task_ran_for_is_kept_as_an_interval_of_its_duration_class_and_learned_again_at_the_next_start()
    {
        var request = Request("a lighthouse at dawn");
        string durationClass;
        await using (var first = StartApp())
        {
            var result = await first.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await first.AdminIdAsync(), request, CancellationToken.None);
            var job = await first.WaitForJobAsync(result.JobId!.Value, j => j.Status == JobStatus.Completed);
            durationClass = first.Services.GetRequiredService<ReApi.Client.Catalog.ModelCatalog>().Find(request.ModelId)!.DurationClass(request.Parameters);
            Assert.Equal("size=16:9;resolution=1k", durationClass);
            Assert.Equal(durationClass, job.DurationClass);

            var task = _sandbox.State.Tasks.Single(t => t.Id == job.TaskId);
            var ran = UpstreamDuration.FromRow(job.UpstreamSeconds!.Value, job.UpstreamSecondsAtLeast);
            var truth = task.FinishedAt!.Value - task.CreatedAt;
            Assert.True(ran.AtLeast < ran.AtMost, $"an interval, not a point: {ran}");
            Assert.InRange(truth, ran.AtLeast, ran.AtMost + TimeSpan.FromSeconds(0.5)); // the age counts from the POST's answer, a little after reAPI's start
        }

        await using var second = StartApp();
        var book = second.Services.GetRequiredService<DurationBook>(); // a start forgets and relearns: ask the book each time
        await TestApp.UntilAsync(() => book.For(request.ModelId).Samples == 1, TimeSpan.FromSeconds(30), "the next start to learn the finished job");
        Assert.Equal(1, book.For(request.ModelId).For(durationClass).Samples);
    }

    [Fact]
    public async Task The_job_reader_says_what_a_job_cost_and_what_a_failed_one_got_back()
    {
        await using var app = StartApp();
        var owner = await app.AdminIdAsync();
        var me = new ReApiWeb.Features.Auth.CurrentUser(owner, "Admin", IsAdmin: true);
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var done = await submitter.SubmitAsync(owner, ZImage("a quiet harbour"), CancellationToken.None);
        var failed = await submitter.SubmitAsync(owner, ZImage("not allowed [fail]"), CancellationToken.None);
        await app.WaitForJobAsync(done.JobId!.Value, j => j.Status == JobStatus.Completed);
        await app.WaitForJobAsync(failed.JobId!.Value, j => j.Status == JobStatus.Failed);
        var reader = app.Services.GetRequiredService<IJobReader>();

        var doneCost = (await reader.GetAsync(me, done.JobId.Value, CancellationToken.None))!.Summary.Cost;
        var failedCost = (await reader.GetAsync(me, failed.JobId.Value, CancellationToken.None))!.Summary.Cost;
        var listed = (await reader.ListAsync(me, new GalleryFilter(), 0, 10, CancellationToken.None)).Jobs;

        Assert.Equal((done.Credits!.Value, done.Credits.Value, 0L), (doneCost.Charged, doneCost.Spent, doneCost.Refunded));
        Assert.Equal((failed.Credits!.Value, 0L), (failedCost.Refunded, failedCost.Spent));
        Assert.Equal($"{failed.Credits.Value:N0} credits refunded", failedCost.Describe());
        Assert.Equal(doneCost, listed.Single(j => j.Id == done.JobId).Cost);
    }

    /// <summary>Admits a job (its row and credit hold) without sending it, as a run that died while the job waited for a slot leaves it.</summary>
    private static async Task<Guid> AdmitOnlyAsync(TestApp app, string prompt)
    {
        var model = app.Services.GetRequiredService<ModelCatalog>().Find("z-image")!;
        var body = new JsonObject { ["model"] = model.Id, ["prompt"] = prompt };
        var quote = await app.Services.GetRequiredService<ReApiWeb.Features.Credits.PriceBook>().QuoteAsync(model, body, CancellationToken.None);
        var (job, _, isNew) = await app.Services.GetRequiredService<JobAdmission>().AdmitAsync(await app.AdminIdAsync(), new JobDraft(model, body, quote, Guid.NewGuid()), CancellationToken.None);
        Assert.True(isNew);
        return job.Id;
    }

    [Fact]
    public async Task A_job_that_waited_for_a_slot_when_the_app_died_is_sent_at_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        Guid jobId;
        await using (var first = StartApp())
        {
            jobId = await AdmitOnlyAsync(first, "never left");
        }

        await using var second = StartApp();
        var job = await second.WaitForJobAsync(jobId, j => j.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Rejected or JobStatus.Unconfirmed);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(1, _sandbox.State.Statistics.Submissions);
        await using var db = await second.DbAsync();
        Assert.Contains(await db.Ledger.Where(l => l.JobId == jobId).Select(l => l.Kind).ToListAsync(ct), k => k == LedgerEntryKind.Charge);
    }

    [Fact]
    public async Task A_job_whose_post_had_started_when_the_app_died_waits_for_an_admin_and_is_never_sent_again()
    {
        var ct = TestContext.Current.CancellationToken;
        Guid jobId;
        await using (var first = StartApp())
        {
            jobId = await AdmitOnlyAsync(first, "may have left");
            await using var db = await first.DbAsync();
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.PostStartedAt, DateTimeOffset.UtcNow), ct);
        }

        await using var second = StartApp();
        var job = await second.WaitForJobAsync(jobId, j => j.Status != JobStatus.Submitting);

        Assert.Equal(JobStatus.Unconfirmed, job.Status);
        Assert.Equal(0, _sandbox.State.Statistics.Submissions);
    }

    private static JobRequest ZImage(string prompt) => new("z-image", new JsonObject { ["prompt"] = prompt }, Guid.NewGuid());
}

public sealed class JobLifecycleTests() : JobLifecycle(null);

public sealed class JobLifecycleOnPostgresTests(PostgresServer postgres) : JobLifecycle(postgres);
