using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The archive keeps under <c>Storage:MaxArchiveBytes</c> by removing its oldest copies, and says so on them.</summary>
public sealed class OutputArchiveLimitTests() : SandboxedAppTest("rk_live_archive_limit", TimeSpan.FromMilliseconds(500))
{
    [Fact]
    public async Task When_the_archive_is_full_the_oldest_copies_make_room_and_keep_their_upstream_link()
    {
        var data = Path.GetDirectoryName(App.Services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedOutputsDirectory)!;
        var first = await RunAsync(App);
        var size = first.Outputs[0].SizeBytes!.Value;
        await App.DisposeAsync();

        // Room for two and a half of these images.
        var settings = TestApp.UpstreamSettings(Sandbox.BaseUri, Key);
        settings["Storage:MaxArchiveBytes"] = (size * 5 / 2).ToString(CultureInfo.InvariantCulture);
        await using var app = TestApp.Start(data, settings);
        var second = await RunAsync(app);
        var third = await RunAsync(app);

        await using var db = await app.DbAsync();
        var outputs = db.JobOutputs.ToDictionary(o => o.JobId);
        var evicted = outputs[first.Id];
        Assert.Null(evicted.StoragePath);
        Assert.NotNull(evicted.EvictedAt);
        Assert.Contains("to keep it under its limit", evicted.ArchiveError, StringComparison.Ordinal);
        Assert.Equal(first.Outputs[0].UpstreamUrl, evicted.UpstreamUrl);
        Assert.False(File.Exists(Path.Combine(data, "outputs", first.Outputs[0].StoragePath!)));
        Assert.All(new[] { second, third }, job => Assert.NotNull(outputs[job.Id].StoragePath));
        Assert.True(outputs.Values.Where(o => o.StoragePath != null).Sum(o => o.SizeBytes) <= size * 5 / 2);
    }

    private static async Task<Job> RunAsync(TestApp app)
    {
        var result = await app.Services.GetRequiredService<JobSubmitter>()
            .SubmitAsync(await app.AdminIdAsync(), new JobRequest("z-image", new JsonObject { ["prompt"] = "the same picture" }, Guid.NewGuid()), CancellationToken.None);
        return await app.WaitForJobAsync(result.JobId!.Value, j => j.Outputs.Count == 1 && j.Outputs[0].StoragePath != null);
    }
}
