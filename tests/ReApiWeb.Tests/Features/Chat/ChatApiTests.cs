using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Chat;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Chat;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Chat;

/// <summary>
/// The OpenAI-compatible chat API over the sandbox's chat host: streamed and whole replies, a stop mid-stream, failures
/// before the first token and mid-stream, allowances, and the ledger each leaves (hold → charge of the usage → release).
/// </summary>
public sealed class ChatApiTests() : SandboxedAppTest("rk_live_chat_tests", TimeSpan.FromMilliseconds(500))
{
    private async Task<HttpClient> ClientAsync(Guid? userId = null)
    {
        var token = (await App.Services.GetRequiredService<PersonalTokens>().CreateAsync(userId ?? await App.AdminIdAsync(), "chat script", TimeSpan.FromDays(30), CancellationToken.None)).Secret;
        var http = App.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonObject Request(string prompt, string model = "claude-sonnet-4-6", bool stream = false, int? maxTokens = null)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["stream"] = stream,
        };
        if (maxTokens is { } n)
        {
            body["max_tokens"] = n;
        }

        return body;
    }

    /// <summary>The ledger of each reply: a hold, then a charge of what the sandbox billed and a release of the rest.</summary>
    private async Task<List<(ChatReply Reply, List<LedgerEntry> Entries)>> RepliesAsync()
    {
        await using var db = await App.DbAsync();
        var replies = await db.ChatReplies.AsNoTracking().OrderBy(r => r.StartedAt).ToListAsync(TestContext.Current.CancellationToken);
        var entries = await db.Ledger.AsNoTracking().Where(e => e.ChatReplyId != null).ToListAsync(TestContext.Current.CancellationToken);
        return [.. replies.Select(r => (r, entries.Where(e => e.ChatReplyId == r.Id).ToList()))];
    }

    private static long Sum(List<LedgerEntry> entries, LedgerEntryKind kind) => entries.Where(e => e.Kind == kind).Sum(e => e.Credits);

    private static void AssertSettled(ChatReply reply, List<LedgerEntry> entries, long charged)
    {
        Assert.NotEqual(ChatReplyStatus.Streaming, reply.Status);
        Assert.Equal(charged, reply.Credits);
        Assert.Equal(charged, Sum(entries, LedgerEntryKind.Charge));
        Assert.Equal(Sum(entries, LedgerEntryKind.Hold) + Sum(entries, LedgerEntryKind.TopUp), Sum(entries, LedgerEntryKind.Charge) + Sum(entries, LedgerEntryKind.Release));
        Assert.All(entries.GroupBy(e => e.Kind), kind => Assert.Single(kind));
    }

    private async Task UntilSettledAsync(int count) =>
        await TestApp.UntilAsync(async () => (await RepliesAsync()).Count(r => r.Reply.Status != ChatReplyStatus.Streaming) >= count, TimeSpan.FromSeconds(30), $"{count} replies settled");

    [Fact]
    public async Task A_streamed_reply_arrives_as_chunks_and_is_charged_what_the_chat_host_billed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        var body = Request("Tell me about lighthouses", stream: true);
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        using var response = await http.PostAsync("/v1/chat/completions", Json(body), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(ct)).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var text = string.Concat(chunks.Select(c => c["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]?.ToString()));
        Assert.StartsWith("Sandbox reply from claude-sonnet-4-6:", text, StringComparison.Ordinal);
        var usage = ChatUsage.Parse(chunks[^1]["usage"]);
        Assert.NotNull(usage);

        await UntilSettledAsync(1);
        var (reply, entries) = Assert.Single(await RepliesAsync());
        var billed = Assert.Single(Sandbox.State.Chats);
        Assert.Equal(ChatReplyStatus.Completed, reply.Status);
        Assert.False(reply.UsageEstimated);
        Assert.Equal((billed.PromptTokens, billed.CompletionTokens), (reply.PromptTokens, reply.CompletionTokens));
        Assert.Equal((usage.Value.PromptTokens, usage.Value.CompletionTokens), (reply.PromptTokens, reply.CompletionTokens));
        AssertSettled(reply, entries, billed.Credits);
        Assert.Equal(new ReApi.Sandbox.SandboxOptions().StartingBalance - billed.Credits, Sandbox.State.Balance);
        Assert.True(Sum(entries, LedgerEntryKind.Hold) > billed.Credits); // the hold covered the prompt's bound and max tokens
    }

    [Fact]
    public async Task A_stream_without_include_usage_does_not_show_the_usage_chunk_yet_is_charged_by_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        using var response = await http.PostAsync("/v1/chat/completions", Json(Request("short", stream: true)), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        await UntilSettledAsync(1);
        var (reply, entries) = Assert.Single(await RepliesAsync());
        Assert.False(reply.UsageEstimated);
        AssertSettled(reply, entries, Assert.Single(Sandbox.State.Chats).Credits);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Every_chat_model_answers_a_whole_completion_with_its_usage(string model)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        using var response = await http.PostAsync("/v1/chat/completions", Json(Request("hello", model, maxTokens: 50)), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("chat.completion", completion["object"]!.ToString());
        Assert.StartsWith($"Sandbox reply from {model}:", completion["choices"]![0]!["message"]!["content"]!.ToString(), StringComparison.Ordinal);
        var (reply, entries) = Assert.Single(await RepliesAsync());
        AssertSettled(reply, entries, Assert.Single(Sandbox.State.Chats).Credits);
    }

    public static TheoryData<string> Models() => [.. ChatModels.All.Select(m => m.Id)];

    [Fact]
    public async Task A_client_that_stops_mid_stream_is_charged_for_what_was_produced_and_the_rest_is_released()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(Request("[[long]] [[slow]] a long story", stream: true)) };
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            var received = 0;
            while (received < 5 && await reader.ReadLineAsync(ct) is { } line)
            {
                received += line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        await UntilSettledAsync(1);
        var (reply, entries) = Assert.Single(await RepliesAsync());
        Assert.Equal(ChatReplyStatus.Stopped, reply.Status);
        Assert.True(reply.UsageEstimated);
        Assert.InRange(reply.CompletionTokens, 5, 30);
        AssertSettled(reply, entries, reply.Credits!.Value);
        Assert.True(Sum(entries, LedgerEntryKind.Release) > 0);

        // The chat host billed the prompt and the tokens it sent before the client went away; the estimate is close.
        await TestApp.UntilAsync(() => Sandbox.State.Chats.Count == 1, TimeSpan.FromSeconds(10), "the sandbox settled the reply");
        var billed = Assert.Single(Sandbox.State.Chats);
        Assert.Equal("disconnected", billed.Outcome);
        Assert.InRange(reply.Credits!.Value, billed.Credits - 2, billed.Credits + 2);
    }

    [Fact]
    public async Task A_failure_before_the_first_token_is_an_openai_error_and_releases_the_hold_in_full()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        using var response = await http.PostAsync("/v1/chat/completions", Json(Request("[[fail-before]]", stream: true)), ct);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("upstream_error", error["code"]!.ToString());
        Assert.Contains("failed before answering", error["message"]!.ToString(), StringComparison.Ordinal);

        var (reply, entries) = Assert.Single(await RepliesAsync());
        Assert.Equal(ChatReplyStatus.Failed, reply.Status);
        AssertSettled(reply, entries, 0);
        Assert.Equal(Sum(entries, LedgerEntryKind.Hold), Sum(entries, LedgerEntryKind.Release));
        Assert.Equal(new ReApi.Sandbox.SandboxOptions().StartingBalance, Sandbox.State.Balance);
    }

    [Fact]
    public async Task A_failure_mid_stream_ends_the_stream_with_an_error_and_charges_what_was_produced()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        using var response = await http.PostAsync("/v1/chat/completions", Json(Request("[[fail-mid]] go", stream: true)), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("\"error\"", text, StringComparison.Ordinal);
        Assert.Contains("stopped in the middle", text, StringComparison.Ordinal);
        await UntilSettledAsync(1);
        var (reply, entries) = Assert.Single(await RepliesAsync());
        var billed = Assert.Single(Sandbox.State.Chats);
        Assert.Equal(ChatReplyStatus.Failed, reply.Status);
        Assert.Equal(billed.CompletionTokens, reply.CompletionTokens);
        Assert.True(reply.Credits > 0);
        AssertSettled(reply, entries, reply.Credits!.Value);
        Assert.InRange(reply.Credits!.Value, billed.Credits - 2, billed.Credits + 2);
    }

    [Fact]
    public async Task An_allowance_refuses_a_reply_it_cannot_cover_before_anything_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = (await App.AddUsersAsync(1))[0];
        await App.SetQuotaAsync(QuotaScope.User, member, QuotaPeriod.Day, 10);
        using var http = await ClientAsync(member);
        using var response = await http.PostAsync("/v1/chat/completions", Json(Request("hello", "claude-opus-4-8")), ct);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("insufficient_quota", error["type"]!.ToString());
        Assert.Contains("10 of 10 credits left", error["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(Sandbox.State.Chats);
        Assert.Empty(await RepliesAsync());

        // A short reply on a cheap model fits.
        using var small = await http.PostAsync("/v1/chat/completions", Json(Request("hello", "deepseek-v4-flash", maxTokens: 100)), ct);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Mistakes_get_openai_errors_and_nothing_is_held()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = await ClientAsync();
        async Task<(HttpStatusCode Status, JsonNode Error)> PostAsync(string body)
        {
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!);
        }

        var unknown = await PostAsync(Request("hi", "gpt-image-2").ToJsonString());
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found"), (unknown.Status, unknown.Error["code"]!.ToString()));
        var broken = await PostAsync("{\"model\":");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_json"), (broken.Status, broken.Error["code"]!.ToString()));
        var twoChoices = Request("hi");
        twoChoices["n"] = 2;
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(twoChoices.ToJsonString())).Status);
        var tooLong = await PostAsync(Request("hi", "deepseek-v4-flash", maxTokens: 1_000_000).ToJsonString());
        Assert.Equal("max_tokens", tooLong.Error["param"]!.ToString());
        var image = Request("hi", "deepseek-v4-flash");
        image["messages"]![0]!["content"] = new JsonArray(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64,AA==" } });
        Assert.Contains("does not accept images", (await PostAsync(image.ToJsonString())).Error["message"]!.ToString(), StringComparison.Ordinal);

        using var anonymous = App.AnonymousClient();
        using var refused = await anonymous.PostAsync("/v1/chat/completions", Json(Request("hi")), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_api_key", JsonNode.Parse(await refused.Content.ReadAsStringAsync(ct))!["error"]!["code"]!.ToString());
        using var nowhere = await http.GetAsync("/v1/embeddings", ct);
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        Assert.Equal("unknown_url", JsonNode.Parse(await nowhere.Content.ReadAsStringAsync(ct))!["error"]!["code"]!.ToString());

        Assert.Empty(await RepliesAsync());
        Assert.Empty(Sandbox.State.Chats);
    }

    [Fact]
    public async Task The_model_list_names_every_chat_model()
    {
        using var http = await ClientAsync();
        var list = JsonNode.Parse(await http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!;
        Assert.Equal(ChatModels.All.Select(m => m.Id), list["data"]!.AsArray().Select(m => m!["id"]!.ToString()));
    }

    [Fact]
    public async Task A_reply_left_streaming_by_a_stopped_instance_is_settled_by_charging_its_hold()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var reply = new ChatReply { UserId = admin, ModelId = "gpt-5.5", InstanceId = Guid.NewGuid(), Status = ChatReplyStatus.Streaming, HeldCredits = 120, StartedAt = DateTimeOffset.UtcNow };
        await using (var db = await App.DbAsync())
        {
            await db.InTransactionAsync(async transaction =>
            {
                db.ChatReplies.Add(reply);
                await App.Services.GetRequiredService<ReApiWeb.Features.Credits.CreditLedger>().HoldChatAsync(db, reply, "test", ct);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }, ct);
        }

        Assert.Equal(1, await App.Services.GetRequiredService<ChatSweeper>().SweepAsync(ct));
        var (settled, entries) = Assert.Single(await RepliesAsync());
        Assert.Equal(ChatReplyStatus.Interrupted, settled.Status);
        AssertSettled(settled, entries, 120);
        Assert.Equal(0, await App.Services.GetRequiredService<ChatSweeper>().SweepAsync(ct));
    }

    [Fact]
    public async Task An_admin_sees_chat_in_the_usage_reports_and_reconciliation_finds_no_drift()
    {
        var ct = TestContext.Current.CancellationToken;
        var reconciliation = App.Services.GetRequiredService<ReApiWeb.Features.Credits.Reconciliation>();
        var account = await App.DefaultAccountIdAsync();
        Assert.True(await reconciliation.ReadAsync(ct)); // the balance before
        using var http = await ClientAsync();
        foreach (var model in new[] { "gpt-5.5", "claude-opus-4-8" })
        {
            using var response = await http.PostAsync("/v1/chat/completions", Json(Request("for the report", model)), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await UntilSettledAsync(2);
        Assert.True(await reconciliation.ReadAsync(ct)); // and after: what reAPI took is what the ledger booked on the account
        var report = await reconciliation.ReportAsync(account, ct);
        Assert.Equal(0, report.Drift);

        var billed = Sandbox.State.Chats;
        var usage = await App.Services.GetRequiredService<ReApiWeb.Features.Credits.UsageReports>()
            .SummaryAsync(new ReApiWeb.Features.Credits.UsageFilter(null, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)), ct);
        Assert.Equal(billed.Sum(b => b.Credits), usage.Spent);
        Assert.Equal(billed.Single(b => b.Model == "gpt-5.5").Credits, usage.ByModel.Single(r => r.Key == "gpt-5.5").Credits);
        Assert.Equal(billed.Single(b => b.Model == "claude-opus-4-8").Credits, usage.ByModel.Single(r => r.Key == "claude-opus-4-8").Credits);
        Assert.Equal(billed.Sum(b => b.Credits), Assert.Single(usage.ByPerson).Credits);
        Assert.DoesNotContain(usage.ByAccount, r => r.Key == "(adjustment)");
    }
}
