using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.Chat;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Chat;

/// <summary>A started reply, or why none was started (with the allowance notices due).</summary>
public sealed record ChatStart(ChatRun? Run, ChatProblem? Problem, IReadOnlyList<string> Notices);

/// <summary>
/// Sends chat requests for the page and the OpenAI-compatible API alike: checks the request, holds what the reply can
/// cost at most against the person's allowances (the same ledger and lock as jobs), sends it on the person's account
/// within that account's chat budget, and settles the hold when the reply ends: the upstream's reported usage is
/// charged and the rest released (a reply that produced nothing before failing is released in full).
/// </summary>
public sealed partial class ChatGateway(
    IDbContextFactory<AppDbContext> dbFactory,
    WriteGate writes,
    CreditLedger ledger,
    AccountRouter router,
    UpstreamClients clients,
    PriceBook prices,
    ModelAccess access,
    InstanceRegistry instance,
    Telemetry.AppMetrics metrics,
    IOptions<ChatOptions> options,
    TimeProvider time,
    ILogger<ChatGateway> logger)
{
    /// <summary>How long settling may take once a reply ended (the caller's token may be cancelled already).</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    public ChatOptions Options => options.Value;

    public async Task<ChatStart> StartAsync(Guid userId, JsonObject request, ChatSource source, Guid? conversationId, CancellationToken cancellationToken)
    {
        var (checkedRequest, problem) = ChatRequestCheck.Check(request, options.Value);
        if (checkedRequest is null)
        {
            return new ChatStart(null, problem, []);
        }

        var model = checkedRequest.Model;
        if (await access.AllowedAsync(userId, cancellationToken) is { } allowed && !allowed.Contains(model.Id))
        {
            return new ChatStart(null, new ChatProblem(403, "permission_error", "model_not_allowed", $"Your groups may not use {model.DisplayName}. Ask an admin if you need it.", "model"), []);
        }

        var price = await prices.ChatPriceAsync(model, cancellationToken);
        var messages = (JsonArray)checkedRequest.Body["messages"]!;
        var reply = new ChatReply
        {
            UserId = userId,
            ModelId = model.Id,
            Source = source,
            ConversationId = conversationId,
            InstanceId = instance.Id,
            Status = ChatReplyStatus.Streaming,
            HeldCredits = price.Credits(ChatTokens.PromptUpperBound(messages), checkedRequest.MaxTokens),
            StartedAt = time.GetUtcNow(),
        };

        var admission = await AdmitAsync(reply, price, checkedRequest.MaxTokens, cancellationToken);
        if (admission.Problem is not null)
        {
            return new ChatStart(null, admission.Problem, []);
        }

        var run = new ChatRun(this, reply, checkedRequest, price, ChatTokens.PromptEstimate(messages));
        try
        {
            var client = await clients.ChatForAsync(reply.AccountId, cancellationToken);
            run.Answer = await client.SendAsync(checkedRequest.Body, cancellationToken);
        }
        catch (Exception e) when (e is ReApiException or OperationCanceledException)
        {
            // Refused or never answered: nothing was produced, so nothing is charged.
            var failure = e as ReApiException;
            await run.SettleAsync(ChatReplyStatus.Failed, failure?.Message ?? "The request was cancelled before the chat host answered.");
            if (failure is null)
            {
                throw;
            }

            LogRefused(reply.Id, model.Id, failure.Kind, failure.Message);
            return new ChatStart(null, ProblemOf(failure), []);
        }

        return new ChatStart(run, null, admission.Notices);
    }

    private async Task<(ChatProblem? Problem, IReadOnlyList<string> Notices)> AdmitAsync(ChatReply reply, ChatPrice price, int maxTokens, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync<(ChatProblem?, IReadOnlyList<string>)>(async transaction =>
        {
            await AdmissionLock.TakeAsync(db, cancellationToken);
            var route = await router.RouteAsync(db, reply.UserId, cancellationToken);
            if (!route.Sandbox && route.First is null)
            {
                return (new ChatProblem(503, "service_unavailable", "no_account", route.Refusal ?? "No reAPI account can take requests now."), []);
            }

            reply.AccountId = route.First;
            db.ChatReplies.Add(reply);
            var note = $"Up to {reply.HeldCredits:N0} credits: the prompt's upper bound and {maxTokens:N0} reply tokens at {price.InputPerMillion:0.##}/{price.OutputPerMillion:0.##} credits per million";
            var admission = await ledger.HoldChatAsync(db, reply, note, cancellationToken);
            if (!admission.Admitted)
            {
                return (new ChatProblem(402, "insufficient_quota", "quota_exceeded", admission.Refusal!), []);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (null, admission.Notices);
        }, cancellationToken);
    }

    /// <summary>Books how a reply ended: its row, and its hold turned into a charge of <paramref name="credits"/> and a release of the rest.</summary>
    internal async Task SettleAsync(ChatReply reply, long credits)
    {
        using var timeout = new CancellationTokenSource(SettleTimeout);
        var cancellationToken = timeout.Token;
        try
        {
            using var turn = await writes.EnterAsync(cancellationToken);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.InTransactionAsync(async transaction =>
            {
                var row = await db.ChatReplies.SingleAsync(r => r.Id == reply.Id, cancellationToken);
                if (row.Status != ChatReplyStatus.Streaming)
                {
                    return; // settled already (by the sweep, should this instance have been taken for gone)
                }

                row.Status = reply.Status;
                row.PromptTokens = reply.PromptTokens;
                row.CompletionTokens = reply.CompletionTokens;
                row.UsageEstimated = reply.UsageEstimated;
                row.Credits = credits;
                row.Error = reply.Error is { Length: > 1000 } text ? text[..1000] : reply.Error;
                row.FirstTokenAt = reply.FirstTokenAt;
                row.FinishedAt = reply.FinishedAt;
                await ledger.SettleChatAsync(db, row, credits, cancellationToken);
                db.AfterCommit(() => metrics.ChatTokens(row.ModelId, row.PromptTokens, row.CompletionTokens));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The hold stands; the sweep settles the reply once this instance is gone, or an admin sees it reserved.
            LogSettleFailed(e, reply.Id, credits);
        }
    }

    /// <summary>An upstream failure as the caller sees it: the client's own mistakes keep their status, the team's account's problems are a 502.</summary>
    public static ChatProblem ProblemOf(ReApiException e) => e.Kind switch
    {
        ReApiErrorKind.Validation => new ChatProblem(400, "invalid_request_error", "upstream_refused", $"The chat host refused the request: {e.Message}"),
        ReApiErrorKind.NotFound => new ChatProblem(404, "invalid_request_error", "model_not_found", $"The chat host does not know this model: {e.Message}", "model"),
        ReApiErrorKind.RateLimited => new ChatProblem(429, "rate_limit_error", "rate_limit_exceeded", "The team's reAPI account is at its chat rate limit; try again shortly.") { RetryAfter = e.RetryAfter ?? TimeSpan.FromSeconds(1) },
        ReApiErrorKind.InsufficientCredits => new ChatProblem(402, "insufficient_quota", "upstream_insufficient_credits", "The team's reAPI account has too few credits. Tell an admin."),
        ReApiErrorKind.Authentication => new ChatProblem(502, "api_error", "upstream_key_refused", "reAPI refused the team's chat key. Tell an admin (Admin → Accounts)."),
        _ => new ChatProblem(502, "api_error", "upstream_error", $"The chat host failed: {e.Message}"),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat reply {ReplyId} ({Model}) was not sent: {Kind}: {Reason}")]
    private partial void LogRefused(Guid replyId, string model, ReApiErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat reply {ReplyId} could not be settled ({Credits} credits); its hold stands until the sweep settles it")]
    private partial void LogSettleFailed(Exception exception, Guid replyId, long credits);
}

/// <summary>
/// A reply on its way: its chunks as they arrive (<see cref="ReadAsync"/>) or its whole completion
/// (<see cref="CompleteAsync"/>). It settles once, when it ends in any way: completed, stopped (the reader cancelled),
/// failed mid-stream, or disposed unread.
/// </summary>
public sealed class ChatRun : IAsyncDisposable
{
    private readonly ChatGateway _gateway;
    private readonly ChatPrice _price;
    private readonly long _promptEstimate;
    private readonly StringBuilder _text = new();
    private int _settled;
    private long _chunksWithText;
    private ChatUsage? _usage;

    internal ChatRun(ChatGateway gateway, ChatReply reply, CheckedChatRequest request, ChatPrice price, long promptEstimate)
    {
        _gateway = gateway;
        Reply = reply;
        Request = request;
        _price = price;
        _promptEstimate = promptEstimate;
    }

    public ChatReply Reply { get; }

    public CheckedChatRequest Request { get; }

    internal ChatAnswer? Answer { get; set; }

    /// <summary>The text received so far.</summary>
    public string Text => _text.ToString();

    /// <summary>What the reply was charged once settled.</summary>
    public long? Credits { get; private set; }

    public async IAsyncEnumerable<ChatChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var status = ChatReplyStatus.Stopped;
        string? error = null;
        var chunks = Answer!.ReadChunksAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await chunks.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (ReApiException e)
                {
                    status = ChatReplyStatus.Failed;
                    error = e.Message;
                    throw;
                }

                var chunk = chunks.Current;
                if (chunk.Error is not null)
                {
                    status = ChatReplyStatus.Failed;
                    error = chunk.Error;
                    yield return chunk;
                    yield break;
                }

                if (chunk.Text is { } text)
                {
                    Reply.FirstTokenAt ??= DateTimeOffset.UtcNow;
                    _chunksWithText++;
                    _text.Append(text);
                }

                _usage = chunk.Usage ?? _usage;
                yield return chunk;
            }

            status = _usage is null && _chunksWithText == 0 ? ChatReplyStatus.Failed : ChatReplyStatus.Completed;
            error = status == ChatReplyStatus.Failed ? "The chat host ended the reply without any text." : null;
        }
        finally
        {
            await chunks.DisposeAsync();
            await SettleAsync(status, error ?? (status == ChatReplyStatus.Stopped ? "Stopped." : null));
        }
    }

    /// <summary>Reads a whole (not streamed) completion and settles.</summary>
    public async Task<JsonObject> CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var completion = await Answer!.ReadCompletionAsync(cancellationToken);
            _usage = ChatUsage.Parse(completion["usage"]);
            if (completion["choices"]?[0]?["message"]?["content"] is JsonValue v && v.TryGetValue(out string? text))
            {
                _text.Append(text);
                _chunksWithText = ChatTokens.Estimate(text);
            }

            Reply.FirstTokenAt = DateTimeOffset.UtcNow;
            await SettleAsync(ChatReplyStatus.Completed, null);
            return completion;
        }
        catch (Exception e) when (e is ReApiException or OperationCanceledException)
        {
            await SettleAsync(e is OperationCanceledException ? ChatReplyStatus.Stopped : ChatReplyStatus.Failed, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Settles once: the reported usage when it arrived, else an estimate (the prompt at four characters a token, one
    /// token per chunk of text). A reply that failed before any text is released in full; a stopped one pays its prompt.
    /// </summary>
    internal async Task SettleAsync(ChatReplyStatus status, string? error)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            return;
        }

        Answer?.Dispose();
        var (prompt, completion, estimated) = _usage is { } usage
            ? (usage.PromptTokens, usage.CompletionTokens, false)
            : status == ChatReplyStatus.Failed && _chunksWithText == 0
                ? (0L, 0L, false)
                : (_promptEstimate, Math.Max(_chunksWithText, _text.Length == 0 ? 0 : 1), true);
        Reply.Status = status;
        Reply.Error = error;
        Reply.PromptTokens = prompt;
        Reply.CompletionTokens = completion;
        Reply.UsageEstimated = estimated;
        Reply.FinishedAt = DateTimeOffset.UtcNow;
        Credits = _price.Credits(prompt, completion);
        await _gateway.SettleAsync(Reply, Credits.Value);
    }

    public async ValueTask DisposeAsync() => await SettleAsync(ChatReplyStatus.Stopped, "The reply was abandoned.");
}
