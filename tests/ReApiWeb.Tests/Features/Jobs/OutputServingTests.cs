using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// Outputs come from upstream servers the app does not control: they are served only as media types that cannot run
/// as the viewer, and they are fetched only from public addresses.
/// </summary>
public sealed class OutputServingTests : AppTest
{
    private async Task<(Guid JobId, Guid OutputId)> AddOutputAsync(string upstreamUrl, string? storedAs = null, string? contentType = null, string content = "", Guid? jobId = null, int index = 0)
    {
        var job = new Job { Id = jobId ?? Guid.CreateVersion7(), OwnerId = await App.AdminIdAsync(), ModelId = "z-image", Prompt = "A red fox, in the snow!", RequestJson = "{}", Status = JobStatus.Completed, CreatedAt = DateTimeOffset.UtcNow, TaskId = "task_" + Guid.NewGuid().ToString("N") };
        var output = new JobOutput { JobId = job.Id, Kind = OutputMediaKind.Image, Index = index, UpstreamUrl = upstreamUrl, StoragePath = storedAs, ContentType = contentType };
        if (storedAs is not null)
        {
            var path = Path.Combine(DataDirectory, "outputs", storedAs);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, content);
        }

        await using var db = await App.DbAsync();
        if (jobId is null)
        {
            db.Jobs.Add(job);
        }

        db.JobOutputs.Add(output);
        await db.SaveChangesAsync();
        return (job.Id, output.Id);
    }

    [Fact]
    public async Task An_output_downloads_under_its_jobs_name_and_a_job_downloads_whole_as_a_zip_for_its_owner_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var (jobId, first) = await AddOutputAsync("https://cdn.example.org/0.png", "j/image-0.png", "image/png", "first");
        await AddOutputAsync("https://cdn.example.org/1.png", "j/image-1.png", "image/png", "second", jobId, index: 1);
        using var admin = await App.SignedInClientAsync();

        using var file = await admin.GetAsync($"/outputs/{first}?download=1", ct);
        using var zip = await admin.GetAsync($"/jobs/{jobId}/outputs.zip", ct);

        Assert.Equal("attachment", file.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("z-image-a-red-fox-in-the-snow-1.png", file.Content.Headers.ContentDisposition?.FileNameStar ?? file.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        using var archive = new System.IO.Compression.ZipArchive(await zip.Content.ReadAsStreamAsync(ct));
        Assert.Equal(["z-image-a-red-fox-in-the-snow-1.png", "z-image-a-red-fox-in-the-snow-2.png"], archive.Entries.Select(e => e.FullName));
        using (var reader = new StreamReader(archive.Entries[1].Open()))
        {
            Assert.Equal("second", await reader.ReadToEndAsync(ct));
        }

        await App.AddLocalUserAsync("other@test.local", "other-password-1");
        using var other = await App.SignedInClientAsync("other@test.local", "other-password-1");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/jobs/{jobId}/outputs.zip", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/outputs/{first}?download=1", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.AnonymousClient().GetAsync($"/jobs/{jobId}/outputs.zip", ct)).StatusCode);
    }

    [Fact]
    public async Task An_output_the_upstream_labelled_html_is_a_sandboxed_download_not_a_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, id) = await AddOutputAsync("https://cdn.example.org/0.html", "x/evil.html", "text/html", "<script>fetch('/admin/audit.csv')</script>");
        using var admin = await App.SignedInClientAsync();

        using var response = await admin.GetAsync($"/outputs/{id}", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task An_image_output_is_still_shown_inline()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, id) = await AddOutputAsync("https://cdn.example.org/0.png", "x/0.png", "image/png", "not really a png");
        using var admin = await App.SignedInClientAsync();

        using var response = await admin.GetAsync($"/outputs/{id}", ct);

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task The_archiver_never_fetches_from_a_loopback_or_private_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = TestApp.FreePort();
        using var internalServer = new HttpListener();
        internalServer.Prefixes.Add($"http://localhost:{port}/");
        internalServer.Start();
        var requests = 0;
        _ = Task.Run(async () =>
        {
            while (internalServer.IsListening)
            {
                var context = await internalServer.GetContextAsync();
                Interlocked.Increment(ref requests);
                context.Response.ContentType = "image/png";
                await context.Response.OutputStream.WriteAsync("internal document"u8.ToArray(), ct);
                context.Response.Close();
            }
        }, ct);
        var (jobId, outputId) = await AddOutputAsync($"http://localhost:{port}/internal/secret.png");

        App.Services.GetRequiredService<OutputArchiver>().Enqueue([outputId]);

        var job = await App.WaitForJobAsync(jobId, j => j.Outputs.Single().ArchiveAttempts >= 1);
        var output = job.Outputs.Single();
        Assert.Null(output.StoragePath);
        Assert.Contains("private", output.ArchiveError, StringComparison.Ordinal);
        Assert.Equal(0, requests);
    }
}
