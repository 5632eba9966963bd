using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Upstream;

/// <summary>
/// Several reAPI accounts against one sandbox server that keeps one account per key (its own balance, tasks and rate
/// window; a task is "not found" with another account's key), with the real submitter, poller and database.
/// </summary>
public sealed class AccountsTests : IAsyncLifetime
{
    private const string KeyA = "rk_live_account_a_key_1111";
    private const string KeyA2 = "rk_live_account_a_second_2222";
    private const string KeyB = "rk_live_account_b_key_3333";
    private const string KeyPoor = "rk_live_account_poor_4444";

    private SandboxServer _sandbox = default!;
    private TestApp _app = default!;

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.AddRange([KeyA, KeyB, KeyPoor]);
            o.SecondKeys[KeyA2] = KeyA;
            o.StartingBalances[KeyPoor] = 0;
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(2);
            o.DurationJitter = 0;
        });
        _app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?>
        {
            ["ReApi:Accounts:0:Name"] = "A",
            ["ReApi:Accounts:0:BaseUrl"] = _sandbox.BaseUri.AbsoluteUri,
            ["ReApi:Accounts:0:ApiKey"] = KeyA,
            ["Sandbox:Enabled"] = "false",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private UpstreamAccounts Accounts => _app.Services.GetRequiredService<UpstreamAccounts>();

    private async Task<Actor> AdminAsync() => new(await _app.AdminIdAsync(), "Admin");

    private async Task<Guid> AccountAsync(string name) => (await Accounts.ListAsync(Ct)).Single(a => a.Name == name).Id;

    /// <summary>Adds an account on the sandbox with <paramref name="key"/> and tests it, as an admin does on the page.</summary>
    private async Task<Guid> AddAccountAsync(string name, string key)
    {
        var id = await Accounts.AddAsync(new AccountDraft(name, _sandbox.BaseUri.AbsoluteUri, key), await AdminAsync(), Ct);
        Assert.False((await Accounts.FindAsync(id, Ct))!.TakesJobs); // untested until the test below
        Assert.True((await _app.Services.GetRequiredService<UpstreamClients>().TestAsync(id, Ct)).Passed);
        return id;
    }

    private async Task<IReadOnlyList<SubmitResult>> SubmitAsync(Guid owner, int count, string prompt)
    {
        var submitter = _app.Services.GetRequiredService<JobSubmitter>();
        return await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            submitter.SubmitAsync(owner, new JobRequest("z-image", new JsonObject { ["prompt"] = $"{prompt} {i}" }, Guid.NewGuid()), CancellationToken.None)));
    }

    private async Task<Job> JobAsync(Guid id)
    {
        await using var db = await _app.DbAsync();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, Ct);
    }

    /// <summary>Every job completed on <paramref name="account"/>, whose key's sandbox account holds its task.</summary>
    private async Task AssertCompletedOnAsync(IEnumerable<SubmitResult> results, Guid account, string key)
    {
        foreach (var result in results)
        {
            Assert.Equal(JobStatus.Processing, result.Status);
            var job = await _app.WaitForJobAsync(result.JobId!.Value, j => j.Status.IsTerminal(), TimeSpan.FromSeconds(60));
            Assert.Equal((JobStatus.Completed, account), (job.Status, job.AccountId));
            Assert.Equal(key, _sandbox.State.Tasks.Single(t => t.Id == job.TaskId).ApiKey);
        }
    }

    [Fact]
    public async Task Rotating_an_accounts_key_with_20_jobs_in_flight_lets_every_one_complete()
    {
        var a = await AccountAsync("A");
        var results = await SubmitAsync(await _app.AdminIdAsync(), 20, "rotated");
        Assert.All(results, r => Assert.Equal(JobStatus.Processing, r.Status));

        // The admin rotates to a second key of the same reAPI account while the 20 tasks run.
        await Accounts.SetKeyAsync(a, KeyA2, await AdminAsync(), Ct);
        var pollsWithNewKey = _sandbox.State.StatisticsOf(KeyA2).Polls;

        foreach (var result in results)
        {
            var job = await _app.WaitForJobAsync(result.JobId!.Value, j => j.Status.IsTerminal(), TimeSpan.FromSeconds(60));
            Assert.Equal((JobStatus.Completed, a), (job.Status, job.AccountId));
        }

        Assert.True(_sandbox.State.StatisticsOf(KeyA2).Polls > pollsWithNewKey);
        Assert.Equal(20, _sandbox.State.Tasks.Count);
    }

    [Fact]
    public async Task Draining_the_first_account_for_a_second_one_finishes_old_jobs_on_the_old_and_sends_new_ones_to_the_new()
    {
        var owner = await _app.AdminIdAsync();
        var a = await AccountAsync("A");
        var reconciliation = _app.Services.GetRequiredService<Reconciliation>();
        Assert.True(await reconciliation.ReadAsync(Ct));
        var old = await SubmitAsync(owner, 10, "before");

        var b = await AddAccountAsync("B", KeyB);
        Assert.True(await reconciliation.ReadAsync(Ct));
        await Accounts.SetStateAsync(a, UpstreamAccountState.Draining, await AdminAsync(), Ct);
        var fresh = await SubmitAsync(owner, 10, "after");

        await AssertCompletedOnAsync(old, a, KeyA);
        await AssertCompletedOnAsync(fresh, b, KeyB);

        // Each account's drop in balance is explained by its own jobs' charges (read from its running total).
        Assert.True(await reconciliation.ReadAsync(Ct));
        foreach (var (account, key) in new[] { (a, KeyA), (b, KeyB) })
        {
            var report = await reconciliation.ReportAsync(account, Ct);
            Assert.Equal(0, report.Drift);
            Assert.Equal(new SandboxOptions().StartingBalance - _sandbox.State.BalanceOf(key), report.Points.Sum(p => p.ReApiDrop));
            Assert.True(report.Points.Sum(p => p.Booked) > 0 && report.BurnPerHour > 0);
        }

        // Each account was polled with its own key only: a poll with the other key would have found nothing.
        Assert.Equal(0, _sandbox.State.StatisticsOf(KeyA).RateLimited + _sandbox.State.StatisticsOf(KeyB).RateLimited);
        await using var db = await _app.DbAsync();
        Assert.False(await db.Jobs.AnyAsync(j => j.LastPollError != null, Ct));

        // Usage is reported per account (a cost centre): the jobs' CSV and the summary name each job's account.
        var reports = _app.Services.GetRequiredService<UsageReports>();
        var span = new UsageFilter(null, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        using var csv = new StringWriter();
        await reports.WriteJobsCsvAsync(span, csv, Ct);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",account", lines[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Equal(10, lines.Count(l => l.TrimEnd('\r').EndsWith(",A", StringComparison.Ordinal)));
        Assert.Equal(10, lines.Count(l => l.TrimEnd('\r').EndsWith(",B", StringComparison.Ordinal)));
        var byAccount = (await reports.SummaryAsync(span, Ct)).ByAccount.ToDictionary(r => r.Key, r => r.Jobs);
        Assert.Equal((10, 10), (byAccount["A"], byAccount["B"]));

        // An account with jobs still open cannot be removed; once they have ended it can.
        Assert.Null(await Accounts.RemoveAsync(a, await AdminAsync(), Ct));
        Assert.DoesNotContain(await Accounts.ListAsync(Ct), x => x.Id == a);
    }

    [Fact]
    public async Task An_account_with_jobs_in_flight_is_not_removed_and_the_admin_is_told_why()
    {
        var a = await AccountAsync("A");
        var results = await SubmitAsync(await _app.AdminIdAsync(), 2, "in flight");

        var refusal = await Accounts.RemoveAsync(a, await AdminAsync(), Ct);

        Assert.Contains("2 job(s) that are not finished", refusal, StringComparison.Ordinal);
        Assert.Contains(await Accounts.ListAsync(Ct), x => x.Id == a);
        await AssertCompletedOnAsync(results, a, KeyA);
    }

    [Fact]
    public async Task A_persons_jobs_go_to_their_groups_accounts_by_priority_then_to_the_team_wide_ones()
    {
        var admin = await AdminAsync();
        var quotas = _app.Services.GetRequiredService<QuotaAdmin>();
        var design = await quotas.CreateGroupAsync("Design", admin, Ct);
        var sales = await quotas.CreateGroupAsync("Sales", admin, Ct);
        var designer = await _app.AddLocalUserAsync("designer@test.local", "designer-password-1");
        var seller = await _app.AddLocalUserAsync("seller@test.local", "seller-password-12");
        var outsider = await _app.AddLocalUserAsync("outsider@test.local", "outsider-password");
        await quotas.SetMemberAsync(design, designer, true, admin, Ct);
        await quotas.SetMemberAsync(sales, seller, true, admin, Ct);

        var a = await AccountAsync("A");
        var b = await AddAccountAsync("B", KeyB);
        var c = await AddAccountAsync("C", KeyA2);
        await Accounts.SetGroupsAsync(b, [new AccountGroup(design, 1)], admin, Ct);
        await Accounts.SetGroupsAsync(c, [new AccountGroup(design, 0), new AccountGroup(sales, 5)], admin, Ct);

        var router = _app.Services.GetRequiredService<AccountRouter>();
        await using var db = await _app.DbAsync();
        Assert.Equal([c, b, a], (await router.RouteAsync(db, designer, Ct)).Accounts);
        Assert.Equal([c, a], (await router.RouteAsync(db, seller, Ct)).Accounts);
        Assert.Equal([a], (await router.RouteAsync(db, outsider, Ct)).Accounts);

        // A drained account is skipped; a designer's job then goes to B, and is stored with it before the POST.
        await Accounts.SetStateAsync(c, UpstreamAccountState.Draining, admin, Ct);
        await AssertCompletedOnAsync(await SubmitAsync(designer, 1, "design"), b, KeyB);
        await AssertCompletedOnAsync(await SubmitAsync(outsider, 1, "outside"), a, KeyA);

        // When none of a person's accounts can take jobs, nothing is made and nothing held.
        await Accounts.SetStateAsync(a, UpstreamAccountState.Disabled, admin, Ct);
        var refused = Assert.Single(await SubmitAsync(outsider, 1, "nowhere"));
        Assert.Null(refused.JobId);
        Assert.Contains("\"A\" is disabled", refused.Unavailable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_refused_for_too_few_credits_goes_to_the_persons_next_account_and_is_charged_once()
    {
        var admin = await AdminAsync();
        var a = await AccountAsync("A");
        var poor = await AddAccountAsync("Poor", KeyPoor);
        await Accounts.MoveAsync(poor, -1, admin, Ct); // the poor account becomes the default

        var result = Assert.Single(await SubmitAsync(admin.Id, 1, "failover"));

        await AssertCompletedOnAsync([result], a, KeyA);
        Assert.Equal(0, _sandbox.State.StatisticsOf(KeyPoor).Submissions);
        Assert.Single(_sandbox.State.Tasks);
        await using var db = await _app.DbAsync();
        var kinds = await db.Ledger.Where(l => l.JobId == result.JobId).OrderBy(l => l.Id).Select(l => l.Kind).ToListAsync(Ct);
        Assert.Equal([LedgerEntryKind.Hold, LedgerEntryKind.Charge], kinds);
    }

    [Fact]
    public async Task A_job_whose_outcome_is_unknown_is_never_sent_to_another_account()
    {
        var b = await AddAccountAsync("B", KeyB);
        _sandbox.State.FailNextSubmissionsAfterCreating(1);

        var result = Assert.Single(await SubmitAsync(await _app.AdminIdAsync(), 1, "unknown"));

        Assert.Equal(JobStatus.Unconfirmed, result.Status);
        Assert.Equal(await AccountAsync("A"), (await JobAsync(result.JobId!.Value)).AccountId);
        Assert.Equal(0, _sandbox.State.StatisticsOf(KeyB).Submissions);
        Assert.Equal(1, _sandbox.State.StatisticsOf(KeyA).Submissions);
        Assert.NotEqual(Guid.Empty, b);
    }
}
