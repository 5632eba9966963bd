using Bunit;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Pages;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class JobDetailsTests : JobComponentTestContext
{
    [Fact]
    public void A_failed_job_shows_reapisMessage_and_code_and_no_raw_output()
    {
        var view = View(JobStatus.Failed, error: "Request violates content policy", code: 80006, outputJson: null);
        var page = Render<JobDetails>(p => p.Add(c => c.JobId, view.Summary.Id));

        page.WaitForAssertion(() => Assert.Contains("Request violates content policy (reAPI code 80006)", page.Find("[data-testid=job-error]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("Raw reAPI output", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_job_says_its_credits_were_refunded_and_a_completed_one_shows_its_cost()
    {
        var failed = View(JobStatus.Failed, error: "Request violates content policy", code: 80006);
        Reader.Views[failed.Summary.Id] = failed with { Summary = failed.Summary with { Cost = new JobCost(30, 30, 0, 30) } };
        var done = View(JobStatus.Completed);
        Reader.Views[done.Summary.Id] = done with { Summary = done.Summary with { Cost = new JobCost(30, 30, 0, 0) } };

        var failedPage = Render<JobDetails>(p => p.Add(c => c.JobId, failed.Summary.Id));
        var donePage = Render<JobDetails>(p => p.Add(c => c.JobId, done.Summary.Id));

        failedPage.WaitForAssertion(() => Assert.EndsWith("30 credits refunded.", failedPage.Find("[data-testid=job-error]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal("30 credits refunded", failedPage.Find("[data-testid=job-cost]").TextContent);
        donePage.WaitForAssertion(() => Assert.Equal("30 credits ($0.03)", donePage.Find("[data-testid=job-cost]").TextContent));
    }

    [Fact]
    public async Task A_completed_job_appears_live_with_its_raw_output_kept()
    {
        var view = View(JobStatus.Processing);
        var page = Render<JobDetails>(p => p.Add(c => c.JobId, view.Summary.Id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-status=Processing]")));

        Reader.Views[view.Summary.Id] = view with
        {
            Summary = view.Summary with { Status = JobStatus.Completed },
            OutputJson = """{"image_urls":["https://cdn.example/0.png"],"seed":7}""",
            Outputs = [new OutputView(Guid.NewGuid(), OutputMediaKind.Image, 0, "https://cdn.example/0.png", true, "image/png", null)],
        };
        Bus.Publish(new JobEvent(view.Summary.Id, Me, "gpt-image-2", JobStatus.Completed, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-status=Completed]")));
        Assert.NotNull(page.Find("img.output-image"));
        Assert.Contains("\"seed\":7", page.Find("details pre").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_song_shows_its_lyrics_as_content_links_to_its_source_and_keeps_the_raw_request_under_details()
    {
        var source = Guid.NewGuid();
        var view = View(JobStatus.Completed);
        var summary = view.Summary with { ModelId = "mureka-v9-song", Prompt = "upbeat synth pop", FinishedAt = view.Summary.CreatedAt.AddSeconds(75) };
        Reader.Views[summary.Id] = view with
        {
            Summary = summary,
            RequestJson = """{"model":"mureka-v9-song","prompt":"upbeat synth pop","lyrics":"[Verse]\nCity lights are calling"}""",
            SourceJobId = source,
        };

        var page = Render<JobDetails>(p => p.Add(c => c.JobId, summary.Id));

        page.WaitForAssertion(() => Assert.Contains("City lights are calling", page.Find("[data-testid=job-text-input]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Lyrics", page.Find("[data-testid=job-text-input]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/jobs/{source}", page.Find("[data-testid=job-source]").GetAttribute("href"));
        Assert.Contains("1 min 15 s", page.Markup, StringComparison.Ordinal);
        var details = page.Find("[data-testid=job-details]");
        Assert.Null(details.GetAttribute("open"));
        Assert.Contains("task_0123456789abcdef", details.TextContent, StringComparison.Ordinal);
        Assert.Contains("\"lyrics\"", details.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_job_counts_its_time()
    {
        var view = View(JobStatus.Processing);
        Reader.Views[view.Summary.Id] = view with { Summary = view.Summary with { CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-3) } };

        var page = Render<JobDetails>(p => p.Add(c => c.JobId, view.Summary.Id));

        page.WaitForAssertion(() => Assert.StartsWith("3 min", page.Find("[data-testid=job-elapsed]").TextContent, StringComparison.Ordinal));
        Assert.InRange(long.Parse(page.Find("[data-testid=job-elapsed]").GetAttribute("data-elapsed-seconds")!, System.Globalization.CultureInfo.InvariantCulture), 180, 240);
    }

    [Fact]
    public void Someone_elses_job_is_not_shown()
    {
        var view = View(JobStatus.Completed) with { };
        Reader.Views[view.Summary.Id] = view with { Summary = view.Summary with { OwnerId = Guid.NewGuid() } };

        var page = Render<JobDetails>(p => p.Add(c => c.JobId, view.Summary.Id));

        page.WaitForAssertion(() => Assert.Contains("This job is private", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(view.Summary.Prompt, page.Markup, StringComparison.Ordinal);
        Assert.Contains("Ask them to share it", page.Find("[data-testid=why-not]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_no_job_has_says_so()
    {
        var page = Render<JobDetails>(p => p.Add(c => c.JobId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Contains("Job not found", page.Markup, StringComparison.Ordinal));
        Assert.Contains("No job has this address", page.Find("[data-testid=why-not]").TextContent, StringComparison.Ordinal);
    }

    private JobView View(JobStatus status, string? error = null, int? code = null, string? outputJson = null)
    {
        var summary = new JobSummary(Guid.NewGuid(), Me, "gpt-image-2", "a lighthouse", status, DateTimeOffset.UtcNow, null, error);
        var view = new JobView(summary, "Member", """{"model":"gpt-image-2"}""", "task_0123456789abcdef", code, outputJson, null, null, 0, null, []);
        Reader.Views[summary.Id] = view;
        return view;
    }
}
