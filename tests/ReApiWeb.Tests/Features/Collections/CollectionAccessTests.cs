using System.IO.Compression;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Collections;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Collections;

/// <summary>
/// Who sees what through collections: the owner manages, the team or a group views or edits; an output reaches a
/// collection's people when its job is shared or its owner put it there, never otherwise. Files follow the same rule.
/// </summary>
public sealed class CollectionAccessTests : AppTest
{
    private const string Password = "member-password-1";

    private TeamCollections Collections => App.Services.GetRequiredService<TeamCollections>();

    private async Task<(CurrentUser Person, HttpClient Browser)> PersonAsync(string name)
    {
        var id = await App.AddLocalUserAsync($"{name}@test.local", Password);
        return (new CurrentUser(id, name, IsAdmin: false), await App.SignedInClientAsync($"{name}@test.local", Password));
    }

    private async Task<JobOutput> ArchivedOutputAsync(CurrentUser owner, string prompt, JobVisibility visibility)
    {
        var job = await App.AddJobAsync(owner.Id, prompt, visibility: visibility);
        await App.ArchiveAsync(DataDirectory, job.Outputs[0]);
        return job.Outputs[0];
    }

    private async Task<Guid> CollectionAsync(CurrentUser owner, string name)
    {
        var (change, id) = await Collections.CreateAsync(owner, name, TestContext.Current.CancellationToken);
        Assert.True(change.Done, change.Error);
        return id;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient browser, string path) =>
        (await browser.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode;

    [Fact]
    public async Task A_private_collection_and_its_files_stay_with_its_owner()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, _) = await PersonAsync("alice");
        var (bob, bobBrowser) = await PersonAsync("bob");
        var output = await ArchivedOutputAsync(alice, "private fox", JobVisibility.Private);
        var collection = await CollectionAsync(alice, "Foxes");
        Assert.True((await Collections.AddAsync(alice, collection, output.Id, ct)).Done);

        Assert.Null(await Collections.GetAsync(bob, collection, ct));
        Assert.Empty(await Collections.ListAsync(bob, ct));
        Assert.False((await Collections.AddAsync(bob, collection, output.Id, ct)).Done);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bobBrowser, $"/outputs/{output.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bobBrowser, $"/outputs/{output.Id}/thumbnail"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bobBrowser, $"/collections/{collection}/download.zip"));
        var page = await bobBrowser.GetStringAsync($"/collections/{collection}", ct);
        Assert.DoesNotContain("Foxes", page, StringComparison.Ordinal);
        Assert.Contains("not shared with you", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_sharing_a_private_output_into_a_team_collection_shares_that_output_and_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, _) = await PersonAsync("alice");
        var (bob, bobBrowser) = await PersonAsync("bob");
        var shared = await ArchivedOutputAsync(alice, "fox for the board", JobVisibility.Private);
        var other = await ArchivedOutputAsync(alice, "another private fox", JobVisibility.Private);
        var collection = await CollectionAsync(alice, "Board");
        await Collections.AddAsync(alice, collection, shared.Id, ct);
        Assert.True((await Collections.ShareAsync(alice, collection, CollectionRole.Viewer, new Dictionary<Guid, CollectionRole>(), ct)).Done);

        var view = await Collections.GetAsync(bob, collection, ct);

        Assert.Equal(CollectionRole.Viewer, view!.Summary.Role);
        Assert.Equal([shared.Id], view.Items.Select(i => i.OutputId));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bobBrowser, $"/outputs/{shared.Id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bobBrowser, $"/outputs/{shared.Id}/thumbnail"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bobBrowser, $"/outputs/{other.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bobBrowser, $"/jobs/{shared.JobId}/outputs.zip"));
        Assert.False((await Collections.AddAsync(bob, collection, other.Id, ct)).Done);
        Assert.Contains("not change it", (await Collections.RemoveAsync(bob, collection, shared.Id, ct)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_editor_adding_a_teammates_shared_output_does_not_keep_it_visible_once_its_owner_makes_it_private()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, _) = await PersonAsync("alice");
        var (bob, _) = await PersonAsync("bob");
        var (carol, carolBrowser) = await PersonAsync("carol");
        var output = await ArchivedOutputAsync(alice, "alice's shared fox", JobVisibility.Team);
        var collection = await CollectionAsync(bob, "Bob's picks");
        await Collections.ShareAsync(bob, collection, CollectionRole.Viewer, new Dictionary<Guid, CollectionRole>(), ct);
        Assert.True((await Collections.AddAsync(bob, collection, output.Id, ct)).Done);
        Assert.Single((await Collections.GetAsync(carol, collection, ct))!.Items);

        await using (var db = await App.DbAsync())
        {
            await db.Jobs.Where(j => j.Id == output.JobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Visibility, JobVisibility.Private), ct);
        }

        Assert.Empty((await Collections.GetAsync(carol, collection, ct))!.Items);
        Assert.Equal(0, (await Collections.ListAsync(carol, ct)).Single().ItemCount);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(carolBrowser, $"/outputs/{output.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(carolBrowser, $"/collections/{collection}/download.zip"));
    }

    [Fact]
    public async Task A_group_share_reaches_the_groups_members_as_viewer_or_editor_and_no_one_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, _) = await PersonAsync("alice");
        var (bob, _) = await PersonAsync("bob");
        var (carol, _) = await PersonAsync("carol");
        var (dave, daveBrowser) = await PersonAsync("dave");
        var editors = await App.AddGroupAsync("Editors", [bob.Id]);
        var viewers = await App.AddGroupAsync("Viewers", [carol.Id]);
        var collection = await CollectionAsync(alice, "Campaign");
        var output = await ArchivedOutputAsync(alice, "campaign fox", JobVisibility.Private);
        await Collections.AddAsync(alice, collection, output.Id, ct);
        Assert.True((await Collections.ShareAsync(alice, collection, CollectionRole.None, new Dictionary<Guid, CollectionRole> { [editors] = CollectionRole.Editor, [viewers] = CollectionRole.Viewer }, ct)).Done);
        var bobsOwn = await ArchivedOutputAsync(bob, "bob's private fox", JobVisibility.Private);

        Assert.Equal(CollectionRole.Editor, (await Collections.GetAsync(bob, collection, ct))!.Summary.Role);
        Assert.Equal(CollectionRole.Viewer, (await Collections.GetAsync(carol, collection, ct))!.Summary.Role);
        Assert.Null(await Collections.GetAsync(dave, collection, ct));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(daveBrowser, $"/outputs/{output.Id}"));

        Assert.True((await Collections.AddAsync(bob, collection, bobsOwn.Id, ct)).Done);
        Assert.Equal(2, (await Collections.GetAsync(carol, collection, ct))!.Items.Count);
        Assert.False((await Collections.AddAsync(carol, collection, bobsOwn.Id, ct)).Done);
        Assert.Contains("owner", (await Collections.ShareAsync(bob, collection, CollectionRole.Editor, new Dictionary<Guid, CollectionRole>(), ct)).Error, StringComparison.Ordinal);
        Assert.False((await Collections.DeleteAsync(bob, collection, ct)).Done);
        Assert.True(await (await App.DbAsync()).Audit.AnyAsync(a => a.Action == "collection.share" && a.Details.Contains("Editors as editor"), ct));
    }

    [Fact]
    public async Task Download_all_streams_every_visible_archived_output_under_its_jobs_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var (alice, aliceBrowser) = await PersonAsync("alice");
        var first = await ArchivedOutputAsync(alice, "red fox", JobVisibility.Private);
        var second = await ArchivedOutputAsync(alice, "red fox", JobVisibility.Private);
        var collection = await CollectionAsync(alice, "Red foxes!");
        await Collections.AddAsync(alice, collection, first.Id, ct);
        await Collections.AddAsync(alice, collection, second.Id, ct);

        using var response = await aliceBrowser.GetAsync($"/collections/{collection}/download.zip", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("red-foxes.zip", response.Content.Headers.ContentDisposition?.FileName);
        await using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal(["z-image-red-fox-1.png", "z-image-red-fox-1 (2).png"], zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task Names_are_required_and_bounded()
    {
        var (alice, _) = await PersonAsync("alice");
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("Give the collection a name.", (await Collections.CreateAsync(alice, "  ", ct)).Change.Error);
        Assert.False((await Collections.CreateAsync(alice, new string('x', Collection.MaxNameLength + 1), ct)).Change.Done);
    }
}
