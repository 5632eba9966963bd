namespace ReApiWeb.Data;

/// <summary>Where a chat request came from.</summary>
public enum ChatSource
{
    /// <summary>The chat page.</summary>
    Page,

    /// <summary>The OpenAI-compatible API, with a personal token.</summary>
    Api,
}

/// <summary>How a reply ended, or that it has not yet.</summary>
public enum ChatReplyStatus
{
    /// <summary>Sent upstream and not yet settled: its hold stands.</summary>
    Streaming,

    /// <summary>Ended normally: charged what the upstream reported.</summary>
    Completed,

    /// <summary>Stopped by the person (or its client went away) mid-stream: charged for what was produced.</summary>
    Stopped,

    /// <summary>The upstream refused or broke off: released in full when nothing was produced, else charged for what was.</summary>
    Failed,

    /// <summary>The app stopped during the reply and its usage is unknown: the hold was charged in full.</summary>
    Interrupted,
}

/// <summary>
/// One request to the chat host, the subject of its ledger entries (held before it is sent; charged the reported usage
/// and the rest released when it ends). Made by the chat page and by the OpenAI-compatible API alike.
/// </summary>
public sealed class ChatReply
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    /// <summary>The reAPI account it was sent on (null: the built-in sandbox).</summary>
    public Guid? AccountId { get; set; }

    public required string ModelId { get; set; }

    public ChatSource Source { get; set; }

    public Guid? ConversationId { get; set; }

    /// <summary>The instance streaming it; if that instance dies the reply is settled by the leader.</summary>
    public Guid? InstanceId { get; set; }

    public ChatReplyStatus Status { get; set; }

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    /// <summary>True when the tokens are the app's estimate (the upstream's usage never arrived).</summary>
    public bool UsageEstimated { get; set; }

    public long HeldCredits { get; set; }

    /// <summary>What was charged once settled.</summary>
    public long? Credits { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FirstTokenAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>A person's conversation with the chat models: its settings and messages; shareable with the team read-only.</summary>
public sealed class Conversation
{
    public const int MaxTitleLength = 120;

    /// <summary>A new conversation's title until its first message names it.</summary>
    public const string UntitledTitle = "New chat";

    public const int MaxSystemPromptLength = 20_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid OwnerId { get; set; }

    public User? Owner { get; set; }

    public required string Title { get; set; }

    public required string ModelId { get; set; }

    public string SystemPrompt { get; set; } = "";

    public double? Temperature { get; set; }

    public int? MaxTokens { get; set; }

    /// <summary>When set, the team may read it at its permalink.</summary>
    public DateTimeOffset? SharedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<ChatMessage> Messages { get; set; } = [];
}

public enum ChatRole
{
    User,
    Assistant,
}

/// <summary>One message of a conversation: the person's (with images, for vision models) or a model's reply.</summary>
public sealed class ChatMessage
{
    public const int MaxContentLength = 200_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ConversationId { get; set; }

    /// <summary>Its place in the conversation (0, 1, …).</summary>
    public int Index { get; set; }

    public ChatRole Role { get; set; }

    public string Content { get; set; } = "";

    /// <summary>Images sent with a person's message: ids of outputs or uploads they could see.</summary>
    public List<Guid> ImageIds { get; set; } = [];

    /// <summary>The model that wrote a reply.</summary>
    public string? ModelId { get; set; }

    /// <summary>The upstream request of a reply (its tokens, cost and status).</summary>
    public Guid? ReplyId { get; set; }

    public ChatReply? Reply { get; set; }

    public DateTimeOffset At { get; set; }
}
