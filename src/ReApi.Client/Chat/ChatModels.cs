using System.Collections.Frozen;

namespace ReApi.Client.Chat;

/// <summary>
/// A chat model reAPI serves on its OpenAI-compatible host (CONTRACT.md §3.5). Prices are credits (1 credit = $0.001)
/// per million tokens; none is published in the contract, so every default is a placeholder an admin should check
/// against reAPI's pricing page.
/// </summary>
public sealed record ChatModelSpec(
    string Id,
    string DisplayName,
    string Vendor,
    bool Vision,
    int ContextTokens,
    int MaxOutputTokens,
    decimal InputCreditsPerMillion,
    decimal OutputCreditsPerMillion)
{
    /// <summary>The default price, marked a placeholder.</summary>
    public ChatPrice DefaultPrice => new(InputCreditsPerMillion, OutputCreditsPerMillion, Published: false);
}

/// <summary>The chat models reAPI lists (CONTRACT.md §3.5): the one list the app offers and the sandbox serves.</summary>
public static class ChatModels
{
    public static IReadOnlyList<ChatModelSpec> All { get; } =
    [
        new("claude-opus-4-8", "Claude Opus 4.8", "Anthropic", Vision: true, 1_000_000, 128_000, 5_000, 25_000),
        new("claude-opus-4-7", "Claude Opus 4.7", "Anthropic", Vision: true, 200_000, 64_000, 5_000, 25_000),
        new("claude-sonnet-4-6", "Claude Sonnet 4.6", "Anthropic", Vision: true, 200_000, 64_000, 3_000, 15_000),
        new("claude-fable-5", "Claude Fable 5", "Anthropic", Vision: true, 200_000, 64_000, 3_000, 15_000),
        new("gpt-5.5", "GPT-5.5", "OpenAI", Vision: true, 400_000, 128_000, 1_250, 10_000),
        new("gpt-5.4", "GPT-5.4", "OpenAI", Vision: true, 400_000, 128_000, 1_250, 10_000),
        new("deepseek-v4-pro", "DeepSeek V4 Pro", "DeepSeek", Vision: false, 128_000, 32_000, 600, 2_400),
        new("deepseek-v4-flash", "DeepSeek V4 Flash", "DeepSeek", Vision: false, 128_000, 32_000, 300, 1_200),
        new("minimax/minimax-m3", "MiniMax M3", "MiniMax", Vision: false, 200_000, 32_000, 300, 1_200),
    ];

    private static readonly FrozenDictionary<string, ChatModelSpec> ById = All.ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);

    public static ChatModelSpec? Find(string? id) => id is not null && ById.TryGetValue(id, out var model) ? model : null;
}

/// <summary>What a chat model costs, in credits per million input and output tokens.</summary>
public sealed record ChatPrice(decimal InputPerMillion, decimal OutputPerMillion, bool Published)
{
    /// <summary>The cost of a reply, rounded up to whole credits (the ledger's unit).</summary>
    public long Credits(long promptTokens, long completionTokens) =>
        (long)Math.Ceiling((promptTokens * InputPerMillion + completionTokens * OutputPerMillion) / 1_000_000m);
}
