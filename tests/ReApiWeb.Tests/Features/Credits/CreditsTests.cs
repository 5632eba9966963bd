using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Credits;

/// <summary>Allowances, notices, increases, adjustments and reconciliation against the sandbox, through the real services.</summary>
public sealed class CreditsTests() : SandboxedAppTest("rk_live_credits", TimeSpan.FromMilliseconds(300))
{
    private JobSubmitter Submitter => App.Services.GetRequiredService<JobSubmitter>();

    private static JobRequest Image(string prompt, int n = 1) =>
        new("gpt-image-2-official", new JsonObject { ["prompt"] = prompt, ["n"] = (long)n }, Guid.NewGuid());

    [Fact]
    public async Task A_refusal_names_the_limit_what_is_left_and_when_it_resets_and_the_notice_comes_once()
    {
        var person = (await App.AddUsersAsync(1))[0];
        await App.SetQuotaAsync(QuotaScope.User, person, QuotaPeriod.Week, 100);

        var first = await Submitter.SubmitAsync(person, Image("first", 3), CancellationToken.None); // 90 of 100: past 80%
        Assert.True(first.JobId is not null, $"{first.Error} {string.Join("; ", first.Problems.Select(p => p.Field + ": " + p.Message))}");
        Assert.Equal(90, first.Credits);
        var notice = Assert.Single(first.Notices);
        Assert.Contains("90% of your weekly allowance", notice, StringComparison.Ordinal);

        var refused = await Submitter.SubmitAsync(person, Image("second", 1), CancellationToken.None); // 30 more: refused
        Assert.Null(refused.JobId);
        Assert.StartsWith("This job costs 30 credits, but your weekly allowance has 10 of 100 credits left. It resets on Mon ", refused.QuotaRefusal, StringComparison.Ordinal);
        Assert.EndsWith("at 00:00 (UTC).", refused.QuotaRefusal, StringComparison.Ordinal);

        // An increase lets it through; the notice is not repeated within the period.
        var quota = (await App.Services.GetRequiredService<QuotaAdmin>().QuotasAsync(CancellationToken.None)).Single(q => q.SubjectId == person);
        var admin = new Actor(await App.AdminIdAsync(), "Admin");
        await App.Services.GetRequiredService<QuotaAdmin>().GrantAsync(quota.Id, 50, DateTimeOffset.UtcNow.AddDays(1), "launch week", admin, CancellationToken.None);
        var third = await Submitter.SubmitAsync(person, Image("third", 1), CancellationToken.None);
        Assert.NotNull(third.JobId);
        Assert.Empty(third.Notices);

        var balance = await App.Services.GetRequiredService<CreditBalances>().ForUserAsync(person, CancellationToken.None);
        Assert.Equal(150 - 120, balance.Available);
        Assert.Equal(120, balance.SpentTotal + balance.Reserved);
        await using var db = await App.DbAsync();
        Assert.Contains(await db.Audit.ToListAsync(TestContext.Current.CancellationToken), a => a.Action == "quota.grant" && a.Details.Contains("launch week", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_placeholder_price_is_marked_until_an_admin_sets_it_tier_by_tier()
    {
        var ct = TestContext.Current.CancellationToken;
        var prices = App.Services.GetRequiredService<PriceBook>();
        var catalog = App.Services.GetRequiredService<ReApi.Client.Catalog.ModelCatalog>();
        var song = catalog.Find("mureka-v9-song")!;
        var body = new System.Text.Json.Nodes.JsonObject { ["model"] = song.Id, ["prompt"] = "pop", ["lyrics"] = "la la" };
        var admin = new ReApiWeb.Features.Admin.Actor(await App.AdminIdAsync(), "Administrator");

        Assert.True((await prices.QuoteAsync(song, body, ct)).Placeholder);
        Assert.False((await prices.QuoteAsync(catalog.Find("flux-2")!, new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x" }, ct)).Placeholder);
        await prices.SetAsync(song.Id, "", 120, admin, ct);

        var checkedQuote = await prices.QuoteAsync(song, body, ct);
        Assert.False(checkedQuote.Placeholder);
        Assert.Equal(120, checkedQuote.Credits);

        // A tiered placeholder: the tier the admin set is checked, the others are still placeholders.
        var video = catalog.Find("kling-3-0")!;
        await prices.SetAsync(video.Id, "pro", 110, admin, ct);
        Assert.False((await prices.QuoteAsync(video, new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["mode"] = "PRO" }, ct)).Placeholder);
        Assert.True((await prices.QuoteAsync(video, new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["mode"] = "std" }, ct)).Placeholder);
    }

    [Fact]
    public async Task An_adjustment_counts_against_the_allowance_and_a_refund_gives_back()
    {
        var person = (await App.AddUsersAsync(1))[0];
        await App.SetQuotaAsync(QuotaScope.User, person, QuotaPeriod.Day, 100);
        var admin = new Actor(await App.AdminIdAsync(), "Admin");
        await App.Services.GetRequiredService<QuotaAdmin>().AdjustAsync(person, 40, "manual job on the web console", admin, CancellationToken.None);

        var failed = await Submitter.SubmitAsync(person, Image("[fail] a storm", 2), CancellationToken.None);
        await App.WaitForJobAsync(failed.JobId!.Value, j => j.Status == JobStatus.Failed);
        var balance = await App.Services.GetRequiredService<CreditBalances>().ForUserAsync(person, CancellationToken.None);
        Assert.Equal(40, balance.SpentTotal); // the failed job's 60 came back
        Assert.Equal(60, balance.Available);
        Assert.Equal(0, balance.Reserved);
    }

    [Fact]
    public async Task Reconciliation_shows_no_drift_over_a_run_with_failures_and_the_drift_of_spending_outside_the_ledger()
    {
        var reconciliation = App.Services.GetRequiredService<Reconciliation>();
        Assert.True(await reconciliation.ReadAsync(CancellationToken.None));
        var owner = await App.AdminIdAsync();
        var jobs = new List<Guid>();
        foreach (var prompt in new[] { "a fox", "[fail] a wolf", "a bear", "[fail] an owl" })
        {
            jobs.Add((await Submitter.SubmitAsync(owner, Image(prompt, 2), CancellationToken.None)).JobId!.Value);
        }

        foreach (var job in jobs)
        {
            await App.WaitForJobAsync(job, j => j.Status is JobStatus.Completed or JobStatus.Failed);
        }

        Assert.True(await reconciliation.ReadAsync(CancellationToken.None));
        var report = await reconciliation.ReportAsync(CancellationToken.None);
        Assert.Equal(0, report.Drift);
        Assert.Equal(120, report.Points[^1].ReApiDrop); // two completed jobs of 2 images at 30
        Assert.True(report.BurnPerHour > 0);

        // Someone spends with the key outside the dashboard: reAPI's balance drops with nothing in the ledger.
        using var outside = new HttpClient { BaseAddress = Sandbox.BaseUri };
        outside.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var response = await outside.PostAsJsonAsync("images/generations", new { model = "gpt-image-2", prompt = "outside", resolution = "2k" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await reconciliation.ReadAsync(CancellationToken.None));
        Assert.Equal(50, (await reconciliation.ReportAsync(CancellationToken.None)).Drift);
    }
}
