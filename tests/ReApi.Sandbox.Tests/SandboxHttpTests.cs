using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.RateLimiting;

namespace ReApi.Sandbox.Tests;

/// <summary>The sandbox over real HTTP on loopback, driven by the real client.</summary>
public sealed class SandboxHttpTests
{
    private const string Key = "rk_live_http_test";

    [Fact]
    public async Task A_task_submitted_over_http_completes_with_a_real_png()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[ReApi.Client.Catalog.OutputKind.Image] = TimeSpan.FromMilliseconds(200);
        });
        using var http = new HttpClient();
        var client = new ReApiClient(http, new FixedConnectionSource(new ReApiConnection(sandbox.BaseUri, Key)),
            new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System), TimeProvider.System);

        var before = await client.GetBalanceAsync(ct);
        var submitted = await client.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "imagen-4-0", ["prompt"] = "a lighthouse" }, ct);
        Assert.Matches("^task_[0-9a-f]{32}$", submitted.Id);
        Assert.Equal(before - 30, await client.GetBalanceAsync(ct));

        ReApiTask task;
        do
        {
            task = await client.GetTaskAsync(submitted.Id, ct);
        }
        while (task.Status == ReApiTaskStatus.Processing);

        Assert.Equal(ReApiTaskStatus.Completed, task.Status);
        var png = await http.GetByteArrayAsync(Assert.Single(task.ImageUrls), ct);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task Errors_arrive_as_the_documented_envelope()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        var client = new ReApiClient(new HttpClient(), new FixedConnectionSource(new ReApiConnection(sandbox.BaseUri, "rk_live_wrong")),
            new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System), TimeProvider.System);

        var error = await Assert.ThrowsAsync<ReApiException>(() => client.GetBalanceAsync(ct));

        Assert.Equal((ReApiErrorKind.Authentication, 401, 10003), (error.Kind, error.HttpStatus, error.Code));
        Assert.StartsWith("req_", error.RequestId, StringComparison.Ordinal);
    }
}
