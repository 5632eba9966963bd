using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Chat;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Chat;

/// <summary>The chat page's services: a reply streams into a conversation, Stop charges what was produced, and only its owner may continue it (the team reads it once shared).</summary>
public sealed class ChatPageServiceTests() : SandboxedAppTest("rk_live_chat_page", TimeSpan.FromMilliseconds(500))
{
    private ChatConversations Conversations => App.Services.GetRequiredService<ChatConversations>();

    private ChatLive Live => App.Services.GetRequiredService<ChatLive>();

    private static CurrentUser Person(Guid id) => new(id, "Person", IsAdmin: false);

    private static async Task UntilDoneAsync(LiveReply reply)
    {
        using var done = new SemaphoreSlim(0);
        reply.Changed += () =>
        {
            if (reply.Done)
            {
                done.Release();
            }
        };
        if (!reply.Done)
        {
            Assert.True(await done.WaitAsync(TimeSpan.FromSeconds(30)), "the reply ended");
        }
    }

    [Fact]
    public async Task A_reply_streams_into_the_conversation_and_is_stored_with_its_cost()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var id = await Conversations.CreateAsync(admin, "gpt-5.4", ct);
        var seen = new List<string>();
        var (reply, problem, _) = await Live.SendAsync(Person(admin), id, "Tell me about harbors", [], ct);
        Assert.Null(problem);
        reply!.Changed += () => seen.Add(reply.Text);
        await UntilDoneAsync(reply);

        var view = await Conversations.GetAsync(admin, id, ct);
        Assert.Equal("Tell me about harbors", view!.Title);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], view.Messages.Select(m => m.Role));
        var answer = view.Messages[1];
        Assert.StartsWith("Sandbox reply from gpt-5.4:", answer.Content, StringComparison.Ordinal);
        Assert.Contains(seen, text => text.Length > 0 && text.Length < answer.Content.Length); // it arrived in pieces
        Assert.Equal(ChatReplyStatus.Completed, answer.Reply!.Status);
        Assert.Equal(Assert.Single(Sandbox.State.Chats).Credits, answer.Reply.Credits);

        // The next reply is sent the whole conversation.
        var (second, _, _) = await Live.SendAsync(Person(admin), id, "And lighthouses?", [], ct);
        await UntilDoneAsync(second!);
        Assert.True(Sandbox.State.Chats[1].PromptTokens > Sandbox.State.Chats[0].PromptTokens);
    }

    [Fact]
    public async Task Stop_ends_the_reply_keeps_what_was_written_and_charges_only_that()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var id = await Conversations.CreateAsync(admin, "claude-opus-4-8", ct);
        var (reply, _, _) = await Live.SendAsync(Person(admin), id, "[[long]] [[slow]] a saga", [], ct);
        await TestApp.UntilAsync(() => reply!.Text.Split(' ').Length > 6, TimeSpan.FromSeconds(20), "a few words arrived");
        reply!.Stop();
        await UntilDoneAsync(reply);

        var answer = (await Conversations.GetAsync(admin, id, ct))!.Messages[1];
        Assert.Equal(ChatReplyStatus.Stopped, answer.Reply!.Status);
        Assert.InRange(answer.Reply.CompletionTokens, 6, 60);
        Assert.Equal(answer.Content, reply.Text);
        await using var db = await App.DbAsync();
        var entries = await db.Ledger.Where(e => e.ChatReplyId == answer.Reply.Id).ToListAsync(ct);
        Assert.Equal(answer.Reply.Credits, entries.Single(e => e.Kind == LedgerEntryKind.Charge).Credits);
        Assert.Equal(entries.Single(e => e.Kind == LedgerEntryKind.Hold).Credits - answer.Reply.Credits, entries.Single(e => e.Kind == LedgerEntryKind.Release).Credits);

        // Editing the last message and sending it again replaces the stopped reply with a new one.
        var (again, _, _) = await Live.RegenerateAsync(admin, id, "a short tale instead", ct);
        await UntilDoneAsync(again!);
        var after = (await Conversations.GetAsync(admin, id, ct))!.Messages;
        Assert.Equal(2, after.Count);
        Assert.Equal("a short tale instead", after[0].Content);
        Assert.Equal(ChatReplyStatus.Completed, after[1].Reply!.Status);
    }

    [Fact]
    public async Task Another_member_reads_a_conversation_only_once_shared_and_never_continues_or_changes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = (await App.AddUsersAsync(1, "owner"))[0];
        var other = await App.AddLocalUserAsync("other@test.local", "other-password-1");
        var id = await Conversations.CreateAsync(owner, "deepseek-v4-flash", ct);
        var (reply, _, _) = await Live.SendAsync(Person(owner), id, "private thoughts", [], ct);
        await UntilDoneAsync(reply!);

        Assert.Null(await Conversations.GetAsync(other, id, ct));
        Assert.Empty(await Conversations.ListAsync(other, null, ct));
        var (none, refused, _) = await Live.SendAsync(Person(other), id, "let me in", [], ct);
        Assert.Null(none);
        Assert.Equal(404, refused!.Status);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversations.RenameAsync(other, id, "mine now", ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversations.ShareAsync(other, id, true, ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversations.DeleteAsync(other, id, ct));
        using (var http = await App.SignedInClientAsync("other@test.local", "other-password-1"))
        {
            using var export = await http.GetAsync($"/chat/{id}/markdown", ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, export.StatusCode);
        }

        await Conversations.ShareAsync(owner, id, true, ct);
        var shared = await Conversations.GetAsync(other, id, ct);
        Assert.NotNull(shared);
        Assert.False(shared.IsMine);
        Assert.Equal(2, shared.Messages.Count);
        Assert.Null((await Live.RegenerateAsync(other, id, null, ct)).Reply);
        Assert.Single(Sandbox.State.Chats);
    }

    [Fact]
    public async Task Images_from_the_gallery_go_to_a_vision_model_inline_and_a_teammates_private_one_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var other = (await App.AddUsersAsync(1, "painter"))[0];
        var mine = await App.AddJobAsync(admin, "a red kite");
        await App.ArchiveAsync(DataDirectory, mine.Outputs[0]);
        var theirs = await App.AddJobAsync(other, "a private sketch");
        var id = await Conversations.CreateAsync(admin, "claude-sonnet-4-6", ct);

        var (refused, problem, _) = await Live.SendAsync(Person(admin), id, "what is this?", [theirs.Outputs[0].Id], ct);
        Assert.Null(refused);
        Assert.Contains("not an image you or the team can see", problem!.Message, StringComparison.Ordinal);
        Assert.Empty(Sandbox.State.Chats);

        var (reply, _, _) = await Live.SendAsync(Person(admin), id, "what is this?", [mine.Outputs[0].Id], ct);
        await UntilDoneAsync(reply!);
        var view = (await Conversations.GetAsync(admin, id, ct))!;
        Assert.Equal([mine.Outputs[0].Id], view.Messages[0].ImageIds);
        Assert.Contains("I see 1 image.", view.Messages[1].Content, StringComparison.Ordinal);
        Assert.True(Sandbox.State.Chats.Single().PromptTokens >= 765); // counted as an image by the chat host

        // A model without vision refuses the conversation's image with a clear reason; nothing is held or sent.
        await Conversations.SetSettingsAsync(admin, id, "deepseek-v4-flash", "", null, null, ct);
        var (none, notVision, _) = await Live.SendAsync(Person(admin), id, "and now?", [], ct);
        Assert.Null(none);
        Assert.Contains("does not accept images", notVision!.Message, StringComparison.Ordinal);
        Assert.Single(Sandbox.State.Chats);
        Assert.Equal(2, (await Conversations.GetAsync(admin, id, ct))!.Messages.Count); // the refused message was taken back
    }

    [Fact]
    public async Task A_double_click_sends_one_message_and_starts_one_reply()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var id = await Conversations.CreateAsync(admin, "gpt-5.4", ct);
        var both = await Task.WhenAll(Live.SendAsync(Person(admin), id, "once", [], ct), Live.SendAsync(Person(admin), id, "once", [], ct));
        var started = Assert.Single(both, b => b.Reply is not null);
        Assert.Contains("still being written", Assert.Single(both, b => b.Reply is null).Problem!.Message, StringComparison.Ordinal);
        await UntilDoneAsync(started.Reply!);
        Assert.Equal(2, (await Conversations.GetAsync(admin, id, ct))!.Messages.Count);
        Assert.Single(Sandbox.State.Chats);
    }
}
