using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Sandbox;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Chat;

/// <summary>An account's chat host, key and budget: derived by default, set apart by an admin, tested, and used for replies.</summary>
public sealed class ChatAccountTests
{
    private const string Key = "rk_live_chat_account";
    private const string ChatKey = "rk_live_chat_account_chat";

    [Fact]
    public async Task Chat_uses_the_derived_host_and_task_key_until_an_admin_sets_a_chat_key_of_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.SecondKeys[ChatKey] = Key; // a separate secret of the same account
        });
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), TestApp.UpstreamSettings(sandbox.BaseUri, Key));
        var accounts = app.Services.GetRequiredService<UpstreamAccounts>();
        var clients = app.Services.GetRequiredService<UpstreamClients>();
        var id = (await app.DefaultAccountIdAsync())!.Value;
        var admin = new Actor(await app.AdminIdAsync(), "Admin");

        var info = (await accounts.FindAsync(id, ct))!;
        Assert.Equal(new Uri(sandbox.BaseUri, "/v1").AbsoluteUri.TrimEnd('/'), info.ChatBaseUrl);
        Assert.Null(info.ChatKeyLast4);
        Assert.Equal(info.RequestsPerSecond, info.ChatRequestsPerSecond);
        Assert.Equal("https://api.reapi.ai/v1", UpstreamAccounts.DerivedChatBaseUrl("https://reapi.ai/api/v1"));
        Assert.Null(await clients.TestChatAsync(id, ct));
        Assert.NotNull((await accounts.FindAsync(id, ct))!.ChatTestedAt);

        await accounts.SetChatKeyAsync(id, ChatKey, admin, ct);
        await accounts.UpdateChatSettingsAsync(id, new ChatSettings(null, 3), admin, ct);
        info = (await accounts.FindAsync(id, ct))!;
        Assert.Equal(ChatKey[^4..], info.ChatKeyLast4);
        Assert.Equal(3, info.ChatRequestsPerSecond);
        Assert.Null(info.ChatTestedAt); // a new key is tested again
        Assert.Null(await clients.TestChatAsync(id, ct));

        var token = (await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(admin.Id, "chat", TimeSpan.FromDays(1), CancellationToken.None)).Secret;
        using var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = new JsonObject { ["model"] = "gpt-5.4", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) };
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ChatKey, Assert.Single(sandbox.State.Chats).ApiKey);

        // A wrong host fails its test with the reason, and the account says so.
        await accounts.UpdateChatSettingsAsync(id, new ChatSettings(new Uri(sandbox.BaseUri, "/nowhere/v1").AbsoluteUri, null), admin, ct);
        Assert.NotNull(await clients.TestChatAsync(id, ct));
        Assert.NotNull((await accounts.FindAsync(id, ct))!.ChatProblem);
        await Assert.ThrowsAsync<ArgumentException>(() => accounts.UpdateChatSettingsAsync(id, new ChatSettings("not a url", null), admin, ct));
    }
}
