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
    private async Task<(Guid JobId, Guid OutputId)> AddOutputAsync(string upstreamUrl, string? storedAs = null, string? contentType = null, string content = "")
    {
        var job = new Job { OwnerId = await App.AdminIdAsync(), ModelId = "z-image", RequestJson = "{}", Status = JobStatus.Completed, CreatedAt = DateTimeOffset.UtcNow, TaskId = "task_" + Guid.NewGuid().ToString("N") };
        var output = new JobOutput { JobId = job.Id, Kind = OutputMediaKind.Image, UpstreamUrl = upstreamUrl, StoragePath = storedAs, ContentType = contentType };
        if (storedAs is not null)
        {
            var path = Path.Combine(DataDirectory, "outputs", storedAs);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, content);
        }

        await using var db = await App.DbAsync();
        db.Jobs.Add(job);
        db.JobOutputs.Add(output);
        await db.SaveChangesAsync();
        return (job.Id, output.Id);
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
