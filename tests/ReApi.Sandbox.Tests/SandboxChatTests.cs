using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Chat;
using ReApi.Client.RateLimiting;

namespace ReApi.Sandbox.Tests;

/// <summary>The sandbox's chat host over real HTTP, driven by the app's chat client: streaming, usage, errors and its own rate window.</summary>
public sealed class SandboxChatTests
{
    private const string Key = "rk_live_chat_sandbox";

    private static JsonObject Body(string prompt, bool stream, string model = "gpt-5.4") => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        ["stream"] = stream,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_tokens"] = 20,
    };

    private static ReApiChatClient Client(SandboxServer sandbox, HttpClient http, IUpstreamRateGate? gate = null) =>
        new(http, new FixedConnectionSource(new ReApiConnection(new Uri(sandbox.BaseUri, "/v1/"), Key)), gate ?? new SlidingWindowRateGate(100, TimeSpan.FromSeconds(1), TimeProvider.System));

    [Fact]
    public async Task A_streamed_reply_ends_with_its_usage_and_is_billed_per_token_capped_by_max_tokens()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        using var http = new HttpClient();
        using var answer = await Client(sandbox, http).SendAsync(Body("[[long]] go on", stream: true), ct);
        Assert.True(answer.IsStream);
        var chunks = new List<ChatChunk>();
        await foreach (var chunk in answer.ReadChunksAsync(ct))
        {
            chunks.Add(chunk);
        }

        Assert.Equal(20, chunks.Count(c => c.Text is not null)); // one token a chunk, stopped at max_tokens
        Assert.Equal("length", chunks.Select(c => c.Json["choices"] is JsonArray { Count: > 0 } choices ? choices[0]?["finish_reason"]?.ToString() : null).Last(r => r is not null));
        var usage = Assert.Single(chunks, c => c.UsageOnly).Usage!.Value;
        Assert.Equal(20, usage.CompletionTokens);
        var record = Assert.Single(sandbox.State.Chats);
        Assert.Equal(ChatModels.Find("gpt-5.4")!.DefaultPrice.Credits(usage.PromptTokens, 20), record.Credits);
        Assert.Equal(new SandboxOptions().StartingBalance - record.Credits, sandbox.State.Balance);
    }

    [Fact]
    public async Task Its_own_rate_window_answers_429_with_retry_after_and_the_client_pauses_its_gate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.ChatRequestsPerSecond = 2;
            o.ChatFirstTokenDelay = TimeSpan.Zero;
            o.ChatTokenDelay = TimeSpan.Zero;
        });
        using var http = new HttpClient();
        var gate = new SlidingWindowRateGate(100, TimeSpan.FromSeconds(1), TimeProvider.System);
        var client = Client(sandbox, http, gate);
        var failures = new List<ReApiException>();
        // Six quick requests span at most two of its one-second windows, so one window sees three.
        for (var i = 0; i < 6; i++)
        {
            try
            {
                using var answer = await client.SendAsync(Body($"quick {i}", stream: false), ct);
                await answer.ReadCompletionAsync(ct);
            }
            catch (ReApiException e)
            {
                failures.Add(e);
                break;
            }
        }

        var limited = Assert.Single(failures);
        Assert.Equal(ReApiErrorKind.RateLimited, limited.Kind);
        Assert.Equal(429, limited.HttpStatus);
        Assert.NotNull(limited.RetryAfter);
        Assert.Equal(0, await gate.AvailableAsync(ct)); // paused for Retry-After
    }

    [Theory]
    [InlineData("claude-opus-4-8", "[[fail-before]]", 500, ReApiErrorKind.Server)]
    [InlineData("no-such-model", "hi", 404, ReApiErrorKind.NotFound)]
    public async Task Refusals_come_in_openai_s_envelope_and_bill_nothing(string model, string prompt, int status, ReApiErrorKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ReApiException>(() => Client(sandbox, http).SendAsync(Body(prompt, stream: true, model), ct));
        Assert.Equal((status, kind), (e.HttpStatus!.Value, e.Kind));
        Assert.Equal(new SandboxOptions().StartingBalance, sandbox.State.Balance);
    }

    [Fact]
    public async Task The_model_list_answers_a_valid_key_and_refuses_another()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        using var http = new HttpClient();
        Assert.Equal(ChatModels.All.Select(m => m.Id), await Client(sandbox, http).ListModelsAsync(ct));
        var wrong = new ReApiChatClient(http, new FixedConnectionSource(new ReApiConnection(new Uri(sandbox.BaseUri, "/v1/"), "rk_live_wrong")), new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System));
        Assert.Equal(ReApiErrorKind.Authentication, (await Assert.ThrowsAsync<ReApiException>(() => wrong.ListModelsAsync(ct))).Kind);
    }
}
