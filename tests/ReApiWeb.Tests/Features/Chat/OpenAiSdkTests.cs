using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Chat;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Chat;

/// <summary>The official OpenAI SDK (npm <c>openai</c>, in <c>e2e/openai-client</c>) against the app's /v1 with a personal token and nothing else changed.</summary>
public sealed class OpenAiSdkTests() : SandboxedAppTest("rk_live_openai_sdk", TimeSpan.FromMilliseconds(500))
{
    [Fact]
    public async Task The_openai_sdk_streams_a_reply_reads_a_whole_one_and_lists_the_models_with_a_personal_token()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = (await App.Services.GetRequiredService<PersonalTokens>().CreateAsync(await App.AdminIdAsync(), "openai sdk", TimeSpan.FromDays(1), CancellationToken.None)).Secret;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(TestApp.RepositoryRoot(), "e2e", "openai-client"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("chat.mjs");
        start.Environment["OPENAI_BASE_URL"] = new Uri(App.BaseUri, "/v1").AbsoluteUri;
        start.Environment["OPENAI_API_KEY"] = token;
        start.Environment["CHAT_MODEL"] = "gpt-5.5";
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var output = node.StandardOutput.ReadToEndAsync(ct);
        var errors = node.StandardError.ReadToEndAsync(ct);
        await node.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.True(node.ExitCode == 0, $"chat.mjs failed: {await errors}");

        var result = JsonNode.Parse(await output)!;
        Assert.StartsWith("Sandbox reply from gpt-5.5:", result["streamed"]!.ToString(), StringComparison.Ordinal);
        Assert.True(result["chunks"]!.GetValue<int>() > 5);
        Assert.StartsWith("Sandbox reply from gpt-5.5:", result["whole"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChatModels.All.Select(m => m.Id), result["models"]!.AsArray().Select(m => m!.ToString()));
        Assert.Equal(401, result["refused"]!["status"]!.GetValue<int>());
        Assert.Equal("AuthenticationError", result["refused"]!["name"]!.ToString());

        // Both replies are on the member's ledger at what the chat host billed, with nothing left reserved.
        var billed = Sandbox.State.Chats;
        Assert.Equal(2, billed.Count);
        Assert.Equal(billed[0].PromptTokens, result["usage"]!["prompt_tokens"]!.GetValue<long>());
        await TestApp.UntilAsync(async () =>
        {
            await using var db = await App.DbAsync();
            return await db.ChatReplies.CountAsync(r => r.Status == ChatReplyStatus.Completed, ct) == 2;
        }, TimeSpan.FromSeconds(10), "both replies settled");
        await using var check = await App.DbAsync();
        var charged = await check.Ledger.Where(e => e.ChatReplyId != null && e.Kind == LedgerEntryKind.Charge).SumAsync(e => e.Credits, ct);
        Assert.Equal(billed.Sum(b => b.Credits), charged);
    }
}
