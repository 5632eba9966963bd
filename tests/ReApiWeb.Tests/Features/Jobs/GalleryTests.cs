using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Components;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The gallery as a component: tiles, live status, filters read from the address, pages, the lightbox.</summary>
public sealed class GalleryTests : JobComponentTestContext
{
    private IRenderedComponent<Gallery> RenderAt(string address, JobScope scope = JobScope.Mine)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<Gallery>(p => p.Add(c => c.Scope, scope).Add(c => c.BasePath, scope == JobScope.Team ? "/team" : "/jobs"));
    }

    [Fact]
    public async Task A_pushed_status_change_re_renders_the_tile_without_a_reload()
    {
        var job = Summary(JobStatus.Processing);
        Reader.Jobs = [job];
        var gallery = RenderAt("/jobs");
        gallery.WaitForAssertion(() => Assert.Equal("Processing", gallery.Find($"[data-job-id='{job.Id}'] [data-status]").GetAttribute("data-status")));

        Reader.Jobs = [job with { Status = JobStatus.Completed, Cost = new JobCost(30, 30, 0, 0) }];
        Bus.Publish(new JobEvent(job.Id, Me, job.ModelId, JobStatus.Completed, DateTimeOffset.UtcNow));

        gallery.WaitForAssertion(() => Assert.Empty(gallery.FindAll($"[data-job-id='{job.Id}'] [data-status]")));
        Assert.Equal("30 credits", gallery.Find($"[data-job-id='{job.Id}'] [data-testid=tile-cost]").TextContent);
    }

    [Fact]
    public void Two_open_pages_of_my_jobs_reload_an_event_with_one_read()
    {
        var job = Summary(JobStatus.Processing);
        Reader.Jobs = [job];
        var first = RenderAt("/jobs");
        var second = RenderAt("/jobs");
        first.WaitForAssertion(() => Assert.Equal(2, Reader.Loads)); // each page's first load reads for itself

        Reader.Jobs = [job with { Status = JobStatus.Completed }];
        Bus.Publish(new JobEvent(job.Id, Me, job.ModelId, JobStatus.Completed, DateTimeOffset.UtcNow));

        foreach (var page in new[] { first, second })
        {
            page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-job-id='{job.Id}'] [data-status]")));
        }

        Assert.Equal(3, Reader.Loads);
    }

    [Fact]
    public async Task My_gallery_listens_to_my_jobs_only_and_the_teams_to_shared_jobs_only()
    {
        Reader.Jobs = [Summary(JobStatus.Processing)];
        var mine = RenderAt("/jobs");
        mine.WaitForAssertion(() => Assert.Equal(1, Reader.Loads));

        // Indexed by topic: another person's job event, or any unshared one, reaches no gallery at all.
        Assert.Equal(1, Bus.SubscribersOf(EventTopic.JobsOf(Me)));
        Assert.Equal(0, Bus.SubscribersOf(EventTopic.AllJobs));
        Assert.Equal(0, Bus.SubscribersOf(EventTopic.SharedJobs));
        await DisposeComponentsAsync();
        Assert.Equal(0, Bus.SubscriberCount);

        var team = RenderAt("/team", JobScope.Team);
        team.WaitForAssertion(() => Assert.Equal(2, Reader.Loads));
        Assert.Equal(1, Bus.SubscribersOf(EventTopic.SharedJobs));
        Assert.Equal(0, Bus.SubscribersOf(EventTopic.JobsOf(Me)));
    }

    [Fact]
    public void A_tile_shows_the_models_name_its_preview_how_many_outputs_and_a_star()
    {
        var output = Guid.NewGuid();
        var job = Summary(JobStatus.Completed) with { Cover = new OutputCover(output, OutputMediaKind.Image, true, true), OutputCount = 4, Favourite = true };
        Reader.Jobs = [job];

        var tile = RenderAt("/jobs").WaitForElement($"[data-job-id='{job.Id}']");

        Assert.Equal("Z-Image", tile.QuerySelector(".tile-model")!.TextContent);
        Assert.Equal($"/outputs/{output}/thumbnail", tile.QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("×4", tile.QuerySelector(".tile-count")!.TextContent);
        Assert.NotNull(tile.QuerySelector(".tile-star"));
        Assert.Equal($"/jobs?open={job.Id}", tile.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void A_text_tools_tile_shows_the_first_lines_of_its_answer_as_text()
    {
        Reader.Jobs = [Summary(JobStatus.Completed) with { ModelId = "ai-essay-writer", TextPreview = "<b>Teams</b> share" }];

        var gallery = RenderAt("/jobs");

        gallery.WaitForAssertion(() => Assert.Equal("<b>Teams</b> share", gallery.Find(".tile-text").TextContent));
        Assert.Empty(gallery.FindAll(".tile-text b"));
    }

    [Fact]
    public void Prompts_are_shown_as_text_never_as_html_in_both_views()
    {
        Reader.Jobs = [Summary(JobStatus.Completed) with { Prompt = "<script>alert(1)</script>" }];
        foreach (var address in new[] { "/jobs", "/jobs?view=list" })
        {
            var gallery = RenderAt(address);
            gallery.WaitForAssertion(() => Assert.Contains("&lt;script&gt;", gallery.Markup, StringComparison.Ordinal));
            Assert.Empty(gallery.FindAll("script"));
        }
    }

    [Fact]
    public void Filters_come_from_the_address_fill_the_form_and_reach_the_query()
    {
        var person = Guid.NewGuid();
        Reader.Jobs = [Summary(JobStatus.Completed) with { OwnerId = person, OwnerName = "Dana", Visibility = JobVisibility.Team }];

        var gallery = RenderAt($"/team?q=red+fox&kind=image&model=z-image&status=failed&person={person}&from=2026-11-01&to=2026-11-30&fav=1", JobScope.Team);

        gallery.WaitForAssertion(() => Assert.NotNull(Reader.LastFilter));
        Assert.Equal(
            new GalleryFilter(JobScope.Team) { Search = "red fox", Kind = OutputKind.Image, Model = "z-image", Status = JobStatusFilter.Failed, Person = person, From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 11, 30), Favourites = true },
            Reader.LastFilter);
        Assert.Equal("red fox", gallery.Find("[data-testid=gallery-search]").GetAttribute("value"));
        Assert.NotNull(gallery.Find("select[name=kind] option[value=image][selected]"));
        Assert.NotNull(gallery.Find($"select[name=person] option[value='{person}'][selected]"));
        Assert.NotNull(gallery.Find("input[name=fav][checked]"));
        Assert.Equal("GET", gallery.Find("form[data-testid=gallery-filters]").GetAttribute("method")!.ToUpperInvariant());
    }

    [Fact]
    public void A_filter_value_that_makes_no_sense_is_named_and_left_out()
    {
        Reader.Jobs = [Summary(JobStatus.Completed)];

        var gallery = RenderAt("/jobs?kind=hologram&from=yesterday&model=nope");

        gallery.WaitForAssertion(() => Assert.Equal(3, gallery.FindAll("[data-testid=gallery-problem]").Count));
        Assert.Equal(new GalleryFilter(), Reader.LastFilter);
        Assert.Contains("\"hologram\" is not a kind of output", gallery.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_links_keep_the_filters_and_the_last_page_shows_the_oldest_jobs()
    {
        Reader.Jobs = [.. Enumerable.Range(0, 120).Select(i => Summary(JobStatus.Completed) with { Prompt = $"job {i:000}" })];

        var gallery = RenderAt("/jobs?q=job&page=3");

        gallery.WaitForAssertion(() => Assert.Equal(24, gallery.FindAll("[data-job-id]").Count));
        Assert.Contains("job 119", gallery.Markup, StringComparison.Ordinal);
        Assert.Contains("120 jobs · page 3 of 3", gallery.Find("[data-testid=gallery-count]").TextContent, StringComparison.Ordinal);
        Assert.Contains(gallery.FindAll("[data-testid=job-pages] a"), a => a.GetAttribute("href") == "/jobs?q=job&page=2" && a.TextContent == "Newer");
        Assert.DoesNotContain(gallery.FindAll("[data-testid=job-pages] a"), a => a.TextContent == "Older");
    }

    [Fact]
    public void Before_the_page_is_live_the_filters_cannot_be_typed_into_so_nothing_typed_is_lost()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Reader.Jobs = [Summary(JobStatus.Completed)];

        var gallery = RenderAt("/jobs");

        Assert.True(gallery.Find("form[data-testid=gallery-filters] fieldset").HasAttribute("disabled"));
    }

    [Fact]
    public void A_tiles_link_opens_the_lightbox_with_the_whole_job_and_the_arrows_step_through_the_page()
    {
        var first = View(JobStatus.Completed, "the newest fox");
        var second = View(JobStatus.Completed, "an older fox");
        Reader.Jobs = [first.Summary, second.Summary];
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var gallery = RenderAt("/jobs");

        var link = gallery.WaitForElement($"[data-job-id='{first.Summary.Id}'] a").GetAttribute("href")!;
        Assert.Equal($"/jobs?open={first.Summary.Id}", link);
        Services.GetRequiredService<NavigationManager>().NavigateTo(link);

        dialogs.WaitForAssertion(() => Assert.Equal("the newest fox", dialogs.Find("[data-testid=job-prompt]").TextContent));
        Assert.Equal($"/jobs/{first.Summary.Id}", dialogs.Find("[data-testid=lightbox-permalink]").GetAttribute("href"));
        Assert.NotNull(dialogs.Find("[data-testid=favourite]"));
        Assert.NotNull(dialogs.Find("[data-testid=add-to-collection]"));
        dialogs.Find("[data-testid=lightbox-next]").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("an older fox", dialogs.Find("[data-testid=job-prompt]").TextContent));
        dialogs.Find("[data-testid=lightbox-close]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=job-prompt]")));
    }

    private JobSummary Summary(JobStatus status) =>
        new(Guid.NewGuid(), Me, "z-image", "a lighthouse", status, DateTimeOffset.UtcNow, null, null);

    private JobView View(JobStatus status, string prompt)
    {
        var summary = Summary(status) with { Prompt = prompt };
        var view = new JobView(summary, "me", "{}", null, null, null, null, null, 0, null,
            [new OutputView(Guid.NewGuid(), OutputMediaKind.Image, 0, "https://cdn.example/0.png", true, "image/png", null)]);
        Reader.Views[summary.Id] = view;
        return view;
    }
}
