namespace ReApiWeb.Features.Chat;

/// <summary>Settings of chat with reAPI's chat models ("Chat" section).</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>The reply length asked for (and held for) when a request names none; never above the model's own maximum.</summary>
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>reAPI's <c>group</c> field sent with every chat request when set (e.g. "default"); a request's own wins.</summary>
    public string? Group { get; set; }

    /// <summary>The largest image file sent inline with a message; a larger one is sent as its preview.</summary>
    public long MaxImageBytes { get; set; } = 5 * 1024 * 1024;
}
