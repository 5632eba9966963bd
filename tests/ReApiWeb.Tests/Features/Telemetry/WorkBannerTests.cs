using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Telemetry;

/// <summary>
/// The banners of every page when work is about to stop, read from the pages as served: the admins see what
/// reconciliation warns of (and a badge on System in the menu), members see that the team's balance is running out,
/// and a member whose allowance is used up is told so; an allowance-free member reads "No personal limit".
/// </summary>
public sealed class WorkBannerTests
{
    private const string Key = "rk_live_work_banner_tests";

    [Fact]
    public async Task A_team_balance_at_zero_warns_the_admins_with_a_badge_and_tells_members_their_work_will_stop()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await ReApi.Sandbox.SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.StartingBalance = 0;
        });
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), TestApp.UpstreamSettings(sandbox.BaseUri, Key));
        await app.AddLocalUserAsync("member@test.local", "member-password-1");
        using var member = await app.SignedInClientAsync("member@test.local", "member-password-1");
        using var admin = await app.SignedInClientAsync();

        Assert.True(await app.Services.GetRequiredService<Reconciliation>().ReadAsync(ct));

        var adminPage = await admin.GetStringAsync("/jobs", ct);
        Assert.Contains("data-testid=\"admin-warnings-banner\"", adminPage);
        Assert.Contains("balance is 0 credits", adminPage);
        Assert.Contains("data-testid=\"warnings-badge\"", adminPage);

        var memberPage = await member.GetStringAsync("/jobs", ct);
        Assert.Contains("data-testid=\"team-balance-banner\"", memberPage);
        Assert.DoesNotContain("admin-warnings-banner", memberPage);
        Assert.DoesNotContain("warnings-badge", memberPage);
        Assert.Contains("No personal limit", memberPage);
    }

    [Fact]
    public async Task A_member_whose_allowance_is_used_up_is_told_on_every_page_and_others_are_not()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await ReApi.Sandbox.SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[ReApi.Client.Catalog.OutputKind.Image] = TimeSpan.FromMilliseconds(200);
        });
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), TestApp.UpstreamSettings(sandbox.BaseUri, Key));
        var memberId = await app.AddLocalUserAsync("member@test.local", "member-password-1");
        await app.AddLocalUserAsync("other@test.local", "other-password-1");
        var job = (await app.Services.GetRequiredService<JobSubmitter>()
            .SubmitAsync(memberId, new JobRequest("z-image", new JsonObject { ["prompt"] = "spend it" }, Guid.NewGuid()), ct)).JobId!.Value;
        await app.WaitForJobAsync(job, j => j.Status == JobStatus.Completed);
        long charged;
        await using (var db = await app.DbAsync())
        {
            charged = await db.Ledger.Where(e => e.JobId == job && e.Kind == LedgerEntryKind.Charge).SumAsync(e => e.Credits, ct);
        }

        using var member = await app.SignedInClientAsync("member@test.local", "member-password-1");
        Assert.DoesNotContain("allowance-banner", await member.GetStringAsync("/jobs", ct));

        // The member's monthly allowance is what the job cost: all of it is used.
        await app.SetQuotaAsync(QuotaScope.User, memberId, QuotaPeriod.Month, charged);
        var page = await member.GetStringAsync("/jobs", ct);
        Assert.Contains("data-testid=\"allowance-banner\"", page);
        Assert.Contains("Your monthly allowance is used up", page);

        using var other = await app.SignedInClientAsync("other@test.local", "other-password-1");
        Assert.DoesNotContain("allowance-banner", await other.GetStringAsync("/jobs", ct));
    }
}
