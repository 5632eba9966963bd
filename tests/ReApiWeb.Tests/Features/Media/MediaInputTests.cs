using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Media;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Media;

/// <summary>Uploads and earlier outputs as job inputs, through the real app, its public links and the sandbox.</summary>
public sealed class MediaInputTests : IAsyncLifetime
{
    private const string Key = "rk_live_media_tests";
    private const string PublicBase = "https://dash.example.com/";
    private SandboxServer _sandbox = default!;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxServer.StartAsync(o =>
    {
        o.ApiKeys.Add(Key);
        o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
        o.Durations[OutputKind.Video] = TimeSpan.FromSeconds(1);
    });

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    private TestApp StartApp(string? publicBase = PublicBase, long? maxUpload = null)
    {
        var settings = TestApp.UpstreamSettings(_sandbox.BaseUri, Key);
        if (publicBase is not null)
        {
            settings["Media:PublicBaseUrl"] = publicBase;
        }

        if (maxUpload is not null)
        {
            settings["Media:MaxUploadBytes"] = maxUpload.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return TestApp.Start(TestApp.NewDataDirectory(), settings);
    }

    [Fact]
    public async Task An_upload_is_served_to_anyone_holding_its_link_and_to_nobody_else()
    {
        await using var app = StartApp();
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        var result = await app.Services.GetRequiredService<UploadStore>()
            .SaveAsync(await app.AdminIdAsync(), MediaKind.Image, "C:\\fakepath\\frame.PNG", new MemoryStream(bytes), CancellationToken.None);

        Assert.Null(result.Error);
        var link = result.Link!;
        Assert.StartsWith(PublicBase + "media/", link.AbsoluteUri, StringComparison.Ordinal);
        using var anonymous = app.AnonymousClient();
        using var served = await anonymous.GetAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

        var token = link.Segments[^2].TrimEnd('/');
        var altered = link.PathAndQuery.Replace(token, token[..^3] + (token[^3] == 'x' ? "y" : "x") + token[^2..], StringComparison.Ordinal);
        using var forged = await anonymous.GetAsync(altered, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Contains("invalid or has expired", await forged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_of_the_wrong_kind_or_too_large_are_refused_with_a_reason_and_leave_nothing_behind()
    {
        await using var app = StartApp(maxUpload: 1024);
        var uploads = app.Services.GetRequiredService<UploadStore>();
        var owner = await app.AdminIdAsync();

        var webm = await uploads.SaveAsync(owner, MediaKind.Video, "clip.webm", new MemoryStream(new byte[10]), CancellationToken.None);
        var svg = await uploads.SaveAsync(owner, MediaKind.Image, "logo.svg", new MemoryStream(new byte[10]), CancellationToken.None);
        var large = await uploads.SaveAsync(owner, MediaKind.Audio, "song.mp3", new MemoryStream(new byte[2048]), CancellationToken.None);

        Assert.Equal("clip.webm is not a file this field takes (.mp4,.mov).", webm.Error);
        Assert.Contains("logo.svg is not a file this field takes", svg.Error, StringComparison.Ordinal);
        Assert.Equal("The file is larger than the limit of 1 KB.", large.Error);
        Assert.All(new[] { webm, svg, large }, r => Assert.Null(r.Link));
        Assert.Empty(Directory.Exists(uploads.Directory) ? Directory.GetFiles(uploads.Directory) : []);
        await using var db = await app.DbAsync();
        Assert.Empty(db.Uploads);
    }

    [Fact]
    public async Task Without_a_public_address_uploads_are_off_and_say_why()
    {
        await using var app = StartApp(publicBase: null);

        var result = await app.Services.GetRequiredService<UploadStore>()
            .SaveAsync(await app.AdminIdAsync(), MediaKind.Image, "a.png", new MemoryStream(new byte[10]), CancellationToken.None);

        Assert.Null(result.Link);
        Assert.Contains("Media:PublicBaseUrl", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PublicBase)]
    [InlineData(null)]
    public async Task An_earlier_image_becomes_a_videos_first_frame_and_is_offered_to_its_owner_and_to_the_team_while_shared(string? publicBase)
    {
        await using var app = StartApp(publicBase);
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var library = app.Services.GetRequiredService<MediaLibrary>();
        var admin = new CurrentUser(await app.AdminIdAsync(), "Admin", IsAdmin: true);
        var image = await submitter.SubmitAsync(admin.Id, new JobRequest("z-image", new JsonObject { ["prompt"] = "a red kite" }, Guid.NewGuid()), CancellationToken.None);
        var done = await app.WaitForJobAsync(image.JobId!.Value, j => j.Outputs.Count == 1 && j.Outputs[0].StoragePath != null);

        var choice = Assert.Single(await library.SearchAsync(admin, MediaKind.Image, null, 0, 10, CancellationToken.None));
        Assert.Equal(done.Outputs[0].Id, choice.OutputId);
        Assert.Equal("a red kite", choice.Prompt);
        Assert.Empty(await library.SearchAsync(admin, MediaKind.Video, null, 0, 10, CancellationToken.None));
        Assert.Single(await library.SearchAsync(admin, MediaKind.Image, "KIT", 0, 10, CancellationToken.None)); // words of the prompt, as their start
        Assert.Empty(await library.SearchAsync(admin, MediaKind.Image, "kite blue", 0, 10, CancellationToken.None));

        // A teammate finds it while it is shared with the team (the default), and not once it is private.
        var member = new CurrentUser(Guid.NewGuid(), "Member", IsAdmin: false);
        Assert.Equal(choice.OutputId, Assert.Single(await library.SearchAsync(member, MediaKind.Image, "red", 0, 10, CancellationToken.None)).OutputId);
        Assert.NotNull(await library.FindAsync(member, choice.OutputId, CancellationToken.None));
        await app.Services.GetRequiredService<JobSharing>().SetVisibilityAsync(admin, image.JobId.Value, ReApiWeb.Data.JobVisibility.Private, CancellationToken.None);
        Assert.Null(await library.FindAsync(member, choice.OutputId, CancellationToken.None));
        Assert.Empty(await library.SearchAsync(member, MediaKind.Image, null, 0, 10, CancellationToken.None));

        if (publicBase is null)
        {
            Assert.Equal(done.Outputs[0].UpstreamUrl, choice.InputUrl); // reAPI's own link, while it lasts
        }
        else
        {
            // The archived copy, through an expiring public link.
            Assert.StartsWith(publicBase + "media/", choice.InputUrl, StringComparison.Ordinal);
            using var anonymous = app.AnonymousClient();
            using var served = await anonymous.GetAsync(new Uri(choice.InputUrl).PathAndQuery, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        }

        var model = ModelCatalog.Default.PreferredFor(MediaKind.Image)!;
        var values = FormValues.Defaults(model);
        values["prompt"] = "the kite takes off";
        FormValues.AddUrl(values, model.InputFieldFor(MediaKind.Image)!, choice.InputUrl);
        var video = await submitter.SubmitAsync(admin.Id, new JobRequest(model.Id, FormValues.ToJson(model, values), Guid.NewGuid()), CancellationToken.None);

        Assert.Empty(video.Problems);
        var finished = await app.WaitForJobAsync(video.JobId!.Value, j => j.Status == JobStatus.Completed && j.Outputs.Any(o => o.Kind == OutputMediaKind.Video));
        var sent = _sandbox.State.Tasks.Single(t => t.Id == finished.TaskId).Request[model.InputFieldFor(MediaKind.Image)!.Name];
        Assert.Contains(choice.InputUrl, sent is JsonArray urls ? urls.Select(u => u!.GetValue<string>()) : [sent!.GetValue<string>()]);
    }
}
