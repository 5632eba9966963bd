using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Chat;

/// <summary>A reply streaming into a conversation: its text so far, and a way to stop it. Pages watch <see cref="Changed"/>.</summary>
public sealed class LiveReply(Guid messageId, Guid conversationId)
{
    private readonly CancellationTokenSource _stop = new();
    private volatile string _text = "";
    private volatile bool _done;

    public Guid MessageId { get; } = messageId;

    public Guid ConversationId { get; } = conversationId;

    public string Text => _text;

    public bool Done => _done;

    /// <summary>Raised (on the streaming thread) as text arrives and once when the reply ended.</summary>
    public event Action? Changed;

    internal CancellationToken Stopping => _stop.Token;

    public void Stop() => _stop.Cancel();

    internal void Append(string text)
    {
        _text += text;
        Changed?.Invoke();
    }

    internal void End()
    {
        _done = true;

        // A page subscribes and then reads Done; this sets Done and then reads the subscribers. Without a full fence
        // between the two the processor may let each miss the other's write (the page would wait for an end already past).
        Interlocked.MemoryBarrier();
        Changed?.Invoke();
        _stop.Dispose();
    }
}

/// <summary>
/// Runs the chat page's replies apart from the page that asked: a reply goes on (and is stored and settled) if its
/// page is closed or its circuit drops, and a page opened later finds it still streaming. Stop cancels the upstream
/// request; the reply is charged for what was produced (see <see cref="ChatRun"/>).
/// </summary>
public sealed partial class ChatLive(
    IDbContextFactory<AppDbContext> dbFactory,
    ChatGateway gateway,
    MediaLibrary library,
    IOptions<StorageOptions> storage,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ChatLive> logger)
{
    private readonly ConcurrentDictionary<Guid, LiveReply> _live = new();

    // Conversations a send or regenerate is starting in now: a second (a double click) is refused, not raced.
    private readonly ConcurrentDictionary<Guid, byte> _starting = new();

    /// <summary>The reply length a conversation without its own gets.</summary>
    public int DefaultMaxTokens => gateway.Options.DefaultMaxTokens;

    /// <summary>The reply streaming into <paramref name="conversationId"/> now, if any.</summary>
    public LiveReply? For(Guid conversationId) => _live.Values.FirstOrDefault(r => r.ConversationId == conversationId && !r.Done);

    /// <summary>
    /// Adds the person's message and starts the model's reply. On a refusal (allowance, no account, upstream) the
    /// message is taken back and the problem returned, so the page can put the text back in the box.
    /// </summary>
    public async Task<(LiveReply? Reply, ChatProblem? Problem, IReadOnlyList<string> Notices)> SendAsync(
        CurrentUser user, Guid conversationId, string text, IReadOnlyList<Guid> imageIds, CancellationToken cancellationToken)
    {
        if (!_starting.TryAdd(conversationId, 0))
        {
            return (null, Busy, []);
        }

        try
        {
            return await SendOnceAsync(user, conversationId, text, imageIds, cancellationToken);
        }
        finally
        {
            _starting.TryRemove(conversationId, out _);
        }
    }

    private static readonly ChatProblem Busy = ChatProblem.Invalid("A reply is still being written; stop it or wait for it first.");

    private async Task<(LiveReply? Reply, ChatProblem? Problem, IReadOnlyList<string> Notices)> SendOnceAsync(
        CurrentUser user, Guid conversationId, string text, IReadOnlyList<Guid> imageIds, CancellationToken cancellationToken)
    {
        var userId = user.Id;
        text = text.Trim();
        if (text.Length is 0 or > ChatMessage.MaxContentLength)
        {
            return (null, ChatProblem.Invalid($"Write a message of 1 to {ChatMessage.MaxContentLength:N0} characters."), []);
        }

        if (imageIds.Count > MaxImagesPerMessage)
        {
            return (null, ChatProblem.Invalid($"Send at most {MaxImagesPerMessage} images with a message."), []);
        }

        foreach (var id in imageIds)
        {
            if (await library.FindAsync(user, id, cancellationToken) is not { Kind: ReApi.Client.Catalog.MediaKind.Image })
            {
                return (null, ChatProblem.Invalid("One of the images is not an image you or the team can see any more."), []);
            }
        }

        if (For(conversationId) is not null)
        {
            return (null, Busy, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.Include(c => c.Messages).SingleOrDefaultAsync(c => c.Id == conversationId && c.OwnerId == userId, cancellationToken);
        if (conversation is null)
        {
            return (null, new ChatProblem(404, "invalid_request_error", "not_found", "That conversation no longer exists."), []);
        }

        var now = time.GetUtcNow();
        var first = conversation.Messages.Count == 0;
        var mine = new ChatMessage { ConversationId = conversationId, Index = NextIndex(conversation), Role = ChatRole.User, Content = text, ImageIds = [.. imageIds.Distinct()], At = now };
        db.ChatMessages.Add(mine);
        if (first && conversation.Title == Conversation.UntitledTitle)
        {
            conversation.Title = Jobs.PromptText.Shorten(text.ReplaceLineEndings(" "), 60);
        }

        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        var started = await StartReplyAsync(db, userId, conversation, cancellationToken);
        if (started.Reply is null)
        {
            db.ChatMessages.Remove(mine);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        return started;
    }

    /// <summary>Writes the last reply again: the last model message (if it is last) is replaced by a new reply to the same messages.</summary>
    public async Task<(LiveReply? Reply, ChatProblem? Problem, IReadOnlyList<string> Notices)> RegenerateAsync(Guid userId, Guid conversationId, string? editedLastMessage, CancellationToken cancellationToken)
    {
        if (!_starting.TryAdd(conversationId, 0))
        {
            return (null, Busy, []);
        }

        try
        {
            return await RegenerateOnceAsync(userId, conversationId, editedLastMessage, cancellationToken);
        }
        finally
        {
            _starting.TryRemove(conversationId, out _);
        }
    }

    private async Task<(LiveReply? Reply, ChatProblem? Problem, IReadOnlyList<string> Notices)> RegenerateOnceAsync(Guid userId, Guid conversationId, string? editedLastMessage, CancellationToken cancellationToken)
    {
        if (For(conversationId) is not null)
        {
            return (null, Busy, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.Include(c => c.Messages).SingleOrDefaultAsync(c => c.Id == conversationId && c.OwnerId == userId, cancellationToken);
        if (conversation is null || conversation.Messages.Count == 0)
        {
            return (null, new ChatProblem(404, "invalid_request_error", "not_found", "There is nothing to write again."), []);
        }

        var last = conversation.Messages.MaxBy(m => m.Index)!;
        if (last.Role == ChatRole.Assistant)
        {
            db.ChatMessages.Remove(last);
            conversation.Messages.Remove(last);
        }

        if (editedLastMessage is not null)
        {
            var lastUser = conversation.Messages.Where(m => m.Role == ChatRole.User).MaxBy(m => m.Index);
            var edited = editedLastMessage.Trim();
            if (lastUser is null || edited.Length is 0 or > ChatMessage.MaxContentLength)
            {
                return (null, ChatProblem.Invalid($"Write a message of 1 to {ChatMessage.MaxContentLength:N0} characters."), []);
            }

            lastUser.Content = edited;
        }

        await db.SaveChangesAsync(cancellationToken);
        return await StartReplyAsync(db, userId, conversation, cancellationToken);
    }

    private async Task<(LiveReply? Reply, ChatProblem? Problem, IReadOnlyList<string> Notices)> StartReplyAsync(AppDbContext db, Guid userId, Conversation conversation, CancellationToken cancellationToken)
    {
        var start = await gateway.StartAsync(userId, await BodyAsync(db, conversation, cancellationToken), ChatSource.Page, conversation.Id, cancellationToken);
        if (start.Run is not { } run)
        {
            return (null, start.Problem, []);
        }

        var message = new ChatMessage
        {
            ConversationId = conversation.Id,
            Index = NextIndex(conversation),
            Role = ChatRole.Assistant,
            ModelId = run.Request.Model.Id,
            ReplyId = run.Reply.Id,
            At = time.GetUtcNow(),
        };
        db.ChatMessages.Add(message);
        await db.SaveChangesAsync(CancellationToken.None);
        var live = new LiveReply(message.Id, conversation.Id);
        _live[message.Id] = live;
        _ = Task.Run(() => StreamAsync(run, live));
        return (live, null, start.Notices);
    }

    private async Task StreamAsync(ChatRun run, LiveReply live)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(live.Stopping, lifetime.ApplicationStopping);
        string? failure = null;
        await using (run)
        {
            try
            {
                await foreach (var chunk in run.ReadAsync(stopping.Token))
                {
                    if (chunk.Error is not null)
                    {
                        failure = chunk.Error;
                    }
                    else if (chunk.Text is { } text)
                    {
                        live.Append(text);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped: settled for what was produced.
            }
            catch (ReApiException e)
            {
                failure = e.Message;
            }
        }

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.ChatMessages.Where(m => m.Id == live.MessageId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, run.Text), CancellationToken.None);
            await db.Conversations.Where(c => c.Id == live.ConversationId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStoreFailed(e, live.MessageId);
        }

        if (failure is not null)
        {
            LogReplyFailed(live.MessageId, failure);
        }

        _live.TryRemove(live.MessageId, out _);
        live.End();
    }

    /// <summary>The OpenAI request for the conversation's next reply: its system prompt, settings and every message (with its images).</summary>
    private async Task<JsonObject> BodyAsync(AppDbContext db, Conversation conversation, CancellationToken cancellationToken)
    {
        var messages = new JsonArray();
        if (conversation.SystemPrompt.Length > 0)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = conversation.SystemPrompt });
        }

        foreach (var message in conversation.Messages.OrderBy(m => m.Index).Where(m => m.Content.Length > 0))
        {
            JsonNode content = message.Content;
            if (message.ImageIds.Count > 0)
            {
                var parts = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = message.Content });
                foreach (var id in message.ImageIds)
                {
                    if (await ImageUrlAsync(db, id, cancellationToken) is { } url)
                    {
                        parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
                    }
                }

                content = parts;
            }

            messages.Add(new JsonObject { ["role"] = message.Role == ChatRole.User ? "user" : "assistant", ["content"] = content });
        }

        var body = new JsonObject { ["model"] = conversation.ModelId, ["messages"] = messages, ["stream"] = true };
        if (conversation.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }

        if (conversation.MaxTokens is { } maxTokens)
        {
            body["max_tokens"] = maxTokens;
        }

        return body;
    }

    /// <summary>Images sent with one message at most.</summary>
    public const int MaxImagesPerMessage = 4;

    /// <summary>
    /// An image for the chat host: the archived file inline as a data URL (the host cannot reach this app), its preview
    /// when the file is larger than <see cref="ChatOptions.MaxImageBytes"/>, reAPI's own link while not archived; null
    /// when the output is gone.
    /// </summary>
    private async Task<string?> ImageUrlAsync(AppDbContext db, Guid outputId, CancellationToken cancellationToken)
    {
        var output = await db.JobOutputs.AsNoTracking().SingleOrDefaultAsync(o => o.Id == outputId, cancellationToken);
        if (output is null)
        {
            return null;
        }

        if (output.StoragePath is null)
        {
            return output.UpstreamUrl;
        }

        var folder = storage.Value.ResolvedOutputsDirectory;
        var (path, type) = (Path.Combine(folder, output.StoragePath), output.ContentType ?? "image/png");
        if (new FileInfo(path) is { Exists: true } file && file.Length > gateway.Options.MaxImageBytes && output.ThumbnailPath is { } thumbnail)
        {
            (path, type) = (Path.Combine(folder, thumbnail), "image/webp");
        }

        try
        {
            return $"data:{type};base64,{Convert.ToBase64String(await File.ReadAllBytesAsync(path, cancellationToken))}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogImageUnreadable(e, outputId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The image {OutputId} of a chat message could not be read; the message is sent without it")]
    private partial void LogImageUnreadable(Exception exception, Guid outputId);

    private static int NextIndex(Conversation conversation) => conversation.Messages.Count == 0 ? 0 : conversation.Messages.Max(m => m.Index) + 1;

    [LoggerMessage(Level = LogLevel.Error, Message = "The text of chat reply {MessageId} could not be stored")]
    private partial void LogStoreFailed(Exception exception, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat reply {MessageId} failed: {Reason}")]
    private partial void LogReplyFailed(Guid messageId, string reason);
}
