using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Collections;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The gallery's query: every job reachable page by page, and each filter (search over prompts above all).</summary>
public sealed class GalleryQueryTests : AppTest
{
    private IJobReader Reader => App.Services.GetRequiredService<IJobReader>();

    private async Task<IReadOnlyList<string>> PromptsAsync(CurrentUser user, GalleryFilter filter) =>
        [.. (await Reader.ListAsync(user, filter, 0, 100, TestContext.Current.CancellationToken)).Jobs.Select(j => j.Prompt)];

    [Fact]
    public async Task Search_finds_every_word_as_typed_or_as_a_prefix_ignoring_case_and_accents()
    {
        var owner = (await App.AddUsersAsync(1))[0];
        var me = new CurrentUser(owner, "member", IsAdmin: false);
        await App.AddJobAsync(owner, "A red fox in the snow");
        await App.AddJobAsync(owner, "Foxes at dawn, café lights");
        await App.AddJobAsync(owner, "a lighthouse on a cliff");

        Assert.Equal(["Foxes at dawn, café lights", "A red fox in the snow"], await PromptsAsync(me, new() { Search = "fox" }));
        Assert.Equal(["A red fox in the snow"], await PromptsAsync(me, new() { Search = "SNOW red" }));
        Assert.Equal(["Foxes at dawn, café lights"], await PromptsAsync(me, new() { Search = "cafe" }));
        Assert.Empty(await PromptsAsync(me, new() { Search = "fox lighthouse" }));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("fox\" OR \"")]
    [InlineData("NEAR(fox snow)")]
    [InlineData("*")]
    [InlineData("fox AND -")]
    [InlineData("prompt:fox")]
    public async Task Search_reads_what_people_type_as_words_never_as_query_syntax(string search)
    {
        var owner = (await App.AddUsersAsync(1))[0];
        await App.AddJobAsync(owner, "A red fox in the snow");

        var page = await Reader.ListAsync(new CurrentUser(owner, "member", IsAdmin: false), new() { Search = search }, 0, 10, TestContext.Current.CancellationToken);

        Assert.True(page.Total <= 1);
    }

    [Fact]
    public async Task Search_never_shows_someone_elses_private_job_and_the_team_scope_shows_shared_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var people = await App.AddUsersAsync(2);
        await App.AddJobAsync(people[0], "private fox");
        await App.AddJobAsync(people[0], "shared fox", visibility: JobVisibility.Team);
        var other = new CurrentUser(people[1], "other", IsAdmin: false);

        Assert.Empty(await PromptsAsync(other, new() { Search = "fox" }));
        Assert.Equal(["shared fox"], await PromptsAsync(other, new(JobScope.Team) { Search = "fox" }));
        Assert.Equal(["shared fox"], await PromptsAsync(other, new(JobScope.Team) { Person = people[0] }));
        Assert.Empty(await PromptsAsync(other, new(JobScope.Team) { Person = people[1] }));
        Assert.Equal(1, (await Reader.ListAsync(other, new(JobScope.Team), 0, 10, ct)).Total);
    }

    [Fact]
    public async Task Kind_model_status_and_dates_filter_and_combine()
    {
        var owner = (await App.AddUsersAsync(1))[0];
        var me = new CurrentUser(owner, "member", IsAdmin: false);
        var day = new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
        await App.AddJobAsync(owner, "image done", "z-image", createdAt: day);
        await App.AddJobAsync(owner, "image failed", "imagen-4-0", JobStatus.Failed, day.AddDays(1));
        await App.AddJobAsync(owner, "video running", "kling-3-0-turbo-beta", JobStatus.Processing, day.AddDays(2));
        await App.AddJobAsync(owner, "essay", "ai-essay-writer", createdAt: day.AddDays(3));

        Assert.Equal(["image failed", "image done"], await PromptsAsync(me, new() { Kind = OutputKind.Image }));
        Assert.Equal(["essay"], await PromptsAsync(me, new() { Kind = OutputKind.Text }));
        Assert.Equal(["image failed"], await PromptsAsync(me, new() { Model = "imagen-4-0" }));
        Assert.Equal(["video running"], await PromptsAsync(me, new() { Status = JobStatusFilter.Running }));
        Assert.Equal(["image failed"], await PromptsAsync(me, new() { Status = JobStatusFilter.Failed, Kind = OutputKind.Image }));
        Assert.Equal(["video running", "image failed"], await PromptsAsync(me, new() { From = DateOnly.FromDateTime(day.AddDays(1).UtcDateTime), To = DateOnly.FromDateTime(day.AddDays(2).UtcDateTime) }));
    }

    [Fact]
    public async Task Favourites_filter_shows_jobs_with_a_starred_output_of_mine_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var people = await App.AddUsersAsync(2);
        var starred = await App.AddJobAsync(people[0], "starred", visibility: JobVisibility.Team);
        await App.AddJobAsync(people[0], "plain", visibility: JobVisibility.Team);
        var owner = new CurrentUser(people[0], "owner", IsAdmin: false);
        var favourites = App.Services.GetRequiredService<Favourites>();

        Assert.True(await favourites.SetAsync(owner, starred.Outputs[0].Id, true, ct));

        Assert.Equal(["starred"], await PromptsAsync(owner, new() { Favourites = true }));
        Assert.True((await Reader.ListAsync(owner, new(), 0, 10, ct)).Jobs.Single(j => j.Prompt == "starred").Favourite);
        Assert.Empty(await PromptsAsync(new CurrentUser(people[1], "other", IsAdmin: false), new(JobScope.Team) { Favourites = true }));
        Assert.Equal(false, await favourites.SetAsync(owner, starred.Outputs[0].Id, false, ct));
        Assert.Empty(await PromptsAsync(owner, new() { Favourites = true }));
    }

    [Fact]
    public async Task Pages_reach_every_job_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = (await App.AddUsersAsync(1))[0];
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        await using (var db = await App.DbAsync())
        {
            db.Jobs.AddRange(Enumerable.Range(0, 130).Select(i => TestJobs.Make(owner, $"job {i}", createdAt: start.AddMinutes(i))));
            await db.SaveChangesAsync(ct);
        }

        var me = new CurrentUser(owner, "member", IsAdmin: false);
        var seen = new List<string>();
        for (var skip = 0; skip < 130; skip += 48)
        {
            var page = await Reader.ListAsync(me, new(), skip, 48, ct);
            Assert.Equal(130, page.Total);
            seen.AddRange(page.Jobs.Select(j => j.Prompt));
        }

        Assert.Equal(Enumerable.Range(0, 130).Reverse().Select(i => $"job {i}"), seen);
    }

    [Fact]
    public async Task A_tile_knows_its_cover_its_preview_and_how_many_outputs()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = (await App.AddUsersAsync(1))[0];
        var job = await App.AddJobAsync(owner, "four foxes");
        await App.ArchiveAsync(DataDirectory, job.Outputs[0]);

        var tile = (await Reader.ListAsync(new CurrentUser(owner, "member", IsAdmin: false), new(), 0, 10, ct)).Jobs.Single();

        Assert.Equal(1, tile.OutputCount);
        Assert.Equal(job.Outputs[0].Id, tile.Cover!.Id);
        Assert.Equal($"/outputs/{job.Outputs[0].Id}/thumbnail", tile.Cover.ThumbnailUrl);
    }
}
