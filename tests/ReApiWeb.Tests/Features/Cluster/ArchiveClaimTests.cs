using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Cluster;

/// <summary>
/// Two instances archive at once (a new leader takes over while the old one still copies): each output is claimed in
/// its row, so it is fetched and written once.
/// </summary>
public sealed class ArchiveClaimTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_archivers_given_the_same_outputs_fetch_each_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new FileServer(TimeSpan.FromMilliseconds(100)); // a download takes a while: the other archiver comes meanwhile
        await using var app = await StartAsync();
        var job = await AddOutputsAsync(app, files, 8);

        // The instance's own archiver and one of another instance that believes it leads too, on the same rows.
        using var other = OtherArchiver(app);
        await other.StartAsync(ct);
        var ids = job.Outputs.Select(o => o.Id).ToList();
        other.Enqueue(ids);
        app.Services.GetRequiredService<OutputArchiver>().Enqueue(ids);

        await TestApp.UntilAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.JobOutputs.CountAsync(o => o.JobId == job.Id && o.StoragePath != null && o.ThumbnailPath != null, ct) == ids.Count;
        }, TimeSpan.FromSeconds(60), "every output is archived");
        await other.StopAsync(ct);

        Assert.Equal(ids.Count, files.Fetches.Count);
        Assert.All(files.Fetches, f => Assert.Equal(1, f.Value));
        await using var check = await app.DbAsync();
        Assert.All(await check.JobOutputs.Where(o => o.JobId == job.Id).ToListAsync(ct), o =>
        {
            Assert.Null(o.ArchiveClaimedBy);
            Assert.Null(o.ArchiveClaimedUntil);
            Assert.Null(o.ArchiveError);
        });
    }

    /// <summary>An archiver whose term ends mid-copy gives its claim up, so the next leader copies the output at once.</summary>
    [Fact]
    public async Task An_archiver_stopped_mid_copy_gives_its_claim_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new FileServer(TimeSpan.FromMinutes(1));
        await using var app = await StartAsync();
        var job = await AddOutputsAsync(app, files, 1);
        var output = job.Outputs.Single().Id;
        using var other = OtherArchiver(app);
        await other.StartAsync(ct);
        other.Enqueue([output]);
        await TestApp.UntilAsync(() => files.Fetches.Count == 1, TimeSpan.FromSeconds(30), "the copy begins");
        await using (var db = await app.DbAsync())
        {
            Assert.NotNull((await db.JobOutputs.SingleAsync(o => o.Id == output, ct)).ArchiveClaimedBy);
        }

        await other.StopAsync(ct);

        await using var check = await app.DbAsync();
        var after = await check.JobOutputs.SingleAsync(o => o.Id == output, ct);
        Assert.Null(after.ArchiveClaimedBy);
        Assert.Null(after.ArchiveClaimedUntil);
        Assert.Null(after.StoragePath);
    }

    /// <summary>
    /// A claim left by an instance that is gone (killed mid-copy, or stopped before it could give the claim up) does not
    /// hold the output until it runs out: on SQLite only one instance ever runs, on PostgreSQL the claimant is not live.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_claim_left_by_an_instance_that_is_gone_does_not_hold_the_output(bool onPostgres)
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new FileServer(TimeSpan.Zero);
        await using var app = await StartAsync(onPostgres);
        var job = await AddOutputsAsync(app, files, 1);
        var output = job.Outputs.Single().Id;
        await using (var db = await app.DbAsync())
        {
            await db.JobOutputs.Where(o => o.Id == output).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.ArchiveClaimedBy, Guid.NewGuid())
                .SetProperty(o => o.ArchiveClaimedUntil, DateTimeOffset.UtcNow + OutputArchiver.ClaimLifetime), ct);
        }

        app.Services.GetRequiredService<OutputArchiver>().Enqueue([output]);

        await TestApp.UntilAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.JobOutputs.AnyAsync(o => o.Id == output && o.StoragePath != null, ct);
        }, TimeSpan.FromSeconds(30), "the output is archived");
        Assert.Single(files.Fetches);
    }

    private async Task<TestApp> StartAsync(bool onPostgres = true)
    {
        var settings = new Dictionary<string, string?> { ["Storage:ArchiveAllowedHosts:0"] = "localhost" };
        if (onPostgres)
        {
            await postgres.UseAsync(settings);
        }

        var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await TestApp.UntilAsync(() => app.Services.GetRequiredService<ILeadership>().IsLeading, TimeSpan.FromSeconds(30), "the instance leads");
        return app;
    }

    private static async Task<Job> AddOutputsAsync(TestApp app, FileServer files, int count)
    {
        var job = TestJobs.Make(await app.AdminIdAsync(), "claimed outputs", outputs: count);
        foreach (var output in job.Outputs)
        {
            output.UpstreamUrl = $"{files.BaseUrl}{output.Id:N}.png";
        }

        await using var db = await app.DbAsync();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job;
    }

    /// <summary>
    /// The archiver of another live instance (its own id, registered in the list of instances) that believes it leads
    /// too; started, it registers first.
    /// </summary>
    private static OtherInstance OtherArchiver(TestApp app)
    {
        var leadership = new LeadingWithOthers();
        var registry = ActivatorUtilities.CreateInstance<InstanceRegistry>(app.Services, leadership);
        return new OtherInstance(registry, ActivatorUtilities.CreateInstance<OutputArchiver>(app.Services, leadership, registry));
    }

    private sealed class OtherInstance(InstanceRegistry registry, OutputArchiver archiver) : IDisposable
    {
        public async Task StartAsync(CancellationToken ct)
        {
            await registry.StartAsync(ct);
            await archiver.StartAsync(ct);
        }

        public void Enqueue(IEnumerable<Guid> ids) => archiver.Enqueue(ids);

        public async Task StopAsync(CancellationToken ct)
        {
            await archiver.StopAsync(ct);
            await registry.StopAsync(ct);
        }

        public void Dispose()
        {
            archiver.Dispose();
            registry.Dispose();
        }
    }

    /// <summary>An instance sharing the database that leads whatever the election says.</summary>
    private sealed class LeadingWithOthers : ILeadership
    {
        public bool Shared => true;

        public bool IsLeading => true;

        public Task<CancellationToken> WaitForTermAsync(CancellationToken stoppingToken) => Task.FromResult(stoppingToken);
    }

    /// <summary>Serves a one-pixel PNG at every path after <paramref name="delay"/>, counting the fetches of each.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public FileServer(TimeSpan delay)
        {
            var port = TestApp.FreePort();
            BaseUrl = $"http://localhost:{port}/";
            _listener.Prefixes.Add(BaseUrl);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    Fetches.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await Task.Delay(delay, CancellationToken.None);
                            context.Response.ContentType = "image/png";
                            await context.Response.OutputStream.WriteAsync(Convert.FromBase64String(TestJobs.OnePixelPng));
                            context.Response.Close();
                        }
                        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                        {
                            // The client went away or the server stopped.
                        }
                    });
                }
            });
        }

        public string BaseUrl { get; }

        public ConcurrentDictionary<string, int> Fetches { get; } = new();

        public void Dispose() => _listener.Close();
    }
}
