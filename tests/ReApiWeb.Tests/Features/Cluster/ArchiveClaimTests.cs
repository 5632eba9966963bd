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
        var port = TestApp.FreePort();
        using var files = new HttpListener();
        files.Prefixes.Add($"http://localhost:{port}/");
        files.Start();
        var fetches = new ConcurrentDictionary<string, int>();
        _ = Task.Run(async () =>
        {
            while (files.IsListening)
            {
                var context = await files.GetContextAsync();
                fetches.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
                await Task.Delay(100, CancellationToken.None); // a download takes a while: the other archiver comes meanwhile
                context.Response.ContentType = "image/png";
                await context.Response.OutputStream.WriteAsync(Convert.FromBase64String(TestJobs.OnePixelPng), CancellationToken.None);
                context.Response.Close();
            }
        }, ct);

        var settings = new Dictionary<string, string?> { ["Storage:ArchiveAllowedHosts:0"] = "localhost" };
        await postgres.UseAsync(settings);
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await TestApp.UntilAsync(() => app.Services.GetRequiredService<ILeadership>().IsLeading, TimeSpan.FromSeconds(30), "the instance leads");
        var owner = await app.AdminIdAsync();
        var job = TestJobs.Make(owner, "claimed outputs", outputs: 8);
        foreach (var output in job.Outputs)
        {
            output.UpstreamUrl = $"http://localhost:{port}/{output.Id:N}.png";
        }

        await using (var db = await app.DbAsync())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync(ct);
        }

        // The instance's own archiver and one of another instance that believes it leads too, on the same rows.
        using var other = ActivatorUtilities.CreateInstance<OutputArchiver>(app.Services,
            new SoleLeadership(), ActivatorUtilities.CreateInstance<InstanceRegistry>(app.Services));
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

        Assert.Equal(ids.Count, fetches.Count);
        Assert.All(fetches, f => Assert.Equal(1, f.Value));
        await using var check = await app.DbAsync();
        Assert.All(await check.JobOutputs.Where(o => o.JobId == job.Id).ToListAsync(ct), o =>
        {
            Assert.Null(o.ArchiveClaimedBy);
            Assert.Null(o.ArchiveClaimedUntil);
            Assert.Null(o.ArchiveError);
        });
    }
}
