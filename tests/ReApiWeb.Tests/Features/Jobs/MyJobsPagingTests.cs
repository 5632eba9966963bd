using ReApiWeb.Data;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>"My jobs" reaches every job a person ever made, page by page (it used to stop at the newest 200).</summary>
public sealed class MyJobsPagingTests : AppTest
{
    [Fact]
    public async Task Every_job_is_reachable_from_my_jobs_page_by_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await App.AdminIdAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        await using (var db = await App.DbAsync())
        {
            db.Jobs.AddRange(Enumerable.Range(1, 210).Select(i => new Job
            {
                OwnerId = owner,
                ModelId = "z-image",
                Prompt = $"numbered job {i:000}",
                RequestJson = "{}",
                SubmissionKey = Guid.NewGuid(),
                Status = JobStatus.Completed,
                CreatedAt = start.AddMinutes(i),
            }));
            await db.SaveChangesAsync(ct);
        }

        using var browser = await App.SignedInClientAsync();
        var first = await browser.GetStringAsync("/jobs", ct);
        var last = await browser.GetStringAsync("/jobs?page=5", ct);

        Assert.Contains("numbered job 210", first, StringComparison.Ordinal);
        Assert.DoesNotContain("numbered job 001", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/jobs?page=5\"", first, StringComparison.Ordinal);
        Assert.Contains("numbered job 001", last, StringComparison.Ordinal);
        Assert.DoesNotContain("numbered job 210", last, StringComparison.Ordinal);
        Assert.Contains("210 jobs", first, StringComparison.Ordinal);
    }
}
