using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.RateLimiting;

namespace ReApi.Sandbox.Tests;

/// <summary>Every output kind comes back in the documented shape, with real files behind its URLs.</summary>
public sealed class SandboxMediaTests : IAsyncLifetime
{
    private const string Key = "rk_live_media_test";
    private readonly HttpClient _http = new();
    private SandboxServer _sandbox = default!;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxServer.StartAsync(o =>
    {
        o.ApiKeys.Add(Key);
        o.DurationSampler = (_, _, _) => TimeSpan.FromMilliseconds(100);
    });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Theory]
    [InlineData("doubao-seedance-2.0", "video/mp4")]
    [InlineData("audio-stem-separator", "audio/wav")]
    [InlineData("mureka-v9-song", "audio/wav")]
    [InlineData("midjourney", "image/png")]
    public async Task Outputs_of_every_media_kind_are_real_files(string modelId, string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var (task, http) = await RunAsync(modelId, body => body["return_last_frame"] = modelId.Contains("seedance", StringComparison.Ordinal) ? true : null, ct);

        var urls = task.VideoUrls.Concat(task.AudioUrls).Concat(task.ImageUrls).ToList();
        Assert.NotEmpty(urls);
        foreach (var url in urls)
        {
            using var response = await http.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
            Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.Content.ReadAsByteArrayAsync(ct)).Length > 1000);
        }

        if (modelId == "midjourney")
        {
            Assert.Equal(4, task.ImageUrls.Count);
        }

        if (task.Output!["tracks"] is JsonArray)
        {
            Assert.Equal(task.AudioUrls.Count, task.TrackLabels.Count);
        }

        if (modelId.Contains("seedance", StringComparison.Ordinal))
        {
            Assert.NotNull(task.LastFrameUrl);
        }
    }

    [Fact]
    public async Task Text_tools_answer_with_text_in_their_output()
    {
        var (task, _) = await RunAsync("ai-essay-writer", _ => { }, TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrWhiteSpace(task.Output!["text"]?.GetValue<string>()));
    }

    private async Task<(ReApiTask Task, HttpClient Http)> RunAsync(string modelId, Action<JsonObject> adjust, CancellationToken ct)
    {
        var http = _http;
        var client = new ReApiClient(http, new FixedConnectionSource(new ReApiConnection(_sandbox.BaseUri, Key)),
            new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System), TimeProvider.System);
        var model = ModelCatalog.Default.Find(modelId)!;
        var body = (JsonObject)model.Example.DeepClone();
        body["model"] = model.Id;
        adjust(body);
        if (body["return_last_frame"] is null)
        {
            body.Remove("return_last_frame");
        }

        var submitted = await client.SubmitAsync(model.Endpoint, body, ct);
        ReApiTask task;
        do
        {
            task = await client.GetTaskAsync(submitted.Id, ct); // the rate gate paces this loop
        }
        while (task.Status == ReApiTaskStatus.Processing);

        Assert.Equal(ReApiTaskStatus.Completed, task.Status);
        return (task, http);
    }
}
