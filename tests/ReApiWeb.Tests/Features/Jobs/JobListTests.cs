using Bunit;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Components;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class JobListTests : JobComponentTestContext
{
    [Fact]
    public async Task A_pushed_status_change_re_renders_the_row_without_a_reload()
    {
        var job = Summary(JobStatus.Processing);
        Reader.Jobs = [job];
        var list = Render<JobList>();
        list.WaitForAssertion(() => Assert.Equal("Processing", list.Find($"[data-job-id='{job.Id}'] [data-status]").GetAttribute("data-status")));

        Reader.Jobs = [job with { Status = JobStatus.Completed }];
        await Notifier.PublishAsync(new JobEvent(job.Id, Me, job.ModelId, JobStatus.Completed, DateTimeOffset.UtcNow));

        list.WaitForAssertion(() => Assert.Equal("Completed", list.Find($"[data-job-id='{job.Id}'] [data-status]").GetAttribute("data-status")));
    }

    [Fact]
    public async Task Events_about_other_peoples_jobs_do_not_reload_the_list()
    {
        Reader.Jobs = [Summary(JobStatus.Processing)];
        var list = Render<JobList>();
        list.WaitForAssertion(() => Assert.Equal(1, Reader.Loads));

        await Notifier.PublishAsync(new JobEvent(Guid.NewGuid(), Guid.NewGuid(), "flux-2", JobStatus.Completed, DateTimeOffset.UtcNow));

        Assert.Equal(1, Reader.Loads);
    }

    [Fact]
    public void Prompts_are_shown_as_text_never_as_html()
    {
        Reader.Jobs = [Summary(JobStatus.Completed) with { Prompt = "<script>alert(1)</script>" }];
        var list = Render<JobList>();
        list.WaitForAssertion(() => Assert.Contains("&lt;script&gt;", list.Markup, StringComparison.Ordinal));
        Assert.Empty(list.FindAll("script"));
    }

    [Fact]
    public void The_last_page_shows_the_oldest_jobs_and_links_back_to_newer_ones()
    {
        Reader.Jobs = [.. Enumerable.Range(0, 120).Select(i => Summary(JobStatus.Completed) with { Prompt = $"job {i:000}" })];

        var list = Render<JobList>(p => p.Add(c => c.Page, 3));

        list.WaitForAssertion(() => Assert.Equal(20, list.FindAll("[data-job-id]").Count));
        Assert.Contains("job 119", list.Markup, StringComparison.Ordinal);
        Assert.Contains("120 jobs · page 3 of 3", list.Find("[data-testid=job-pages]").TextContent, StringComparison.Ordinal);
        Assert.Contains(list.FindAll("[data-testid=job-pages] a"), a => a.GetAttribute("href") == "/jobs?page=2" && a.TextContent == "Newer");
        Assert.DoesNotContain(list.FindAll("[data-testid=job-pages] a"), a => a.TextContent == "Older");
    }

    private JobSummary Summary(JobStatus status) =>
        new(Guid.NewGuid(), Me, "gpt-image-2", "a lighthouse", status, DateTimeOffset.UtcNow, null, null);
}
