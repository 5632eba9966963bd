using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReApi.Client.Chat;

namespace ReApi.Sandbox;

/// <summary>What the sandbox did with one chat request: for tests and the benchmark.</summary>
public sealed record SandboxChatRecord(string ApiKey, string Model, long PromptTokens, long CompletionTokens, long Credits, string Outcome);

/// <summary>An OpenAI-style error: <c>{"error":{"message","type","code","param"}}</c> (the chat host is an OpenAI-compatible gateway).</summary>
public sealed record SandboxChatError(int HttpStatus, string Type, string Code, string Message, string? Param = null)
{
    public TimeSpan? RetryAfter { get; init; }

    public JsonObject Body() => new()
    {
        ["error"] = new JsonObject { ["message"] = Message, ["type"] = Type, ["param"] = Param, ["code"] = Code },
    };

    public static SandboxChatError From(SandboxError error) => error.HttpStatus switch
    {
        401 => new(401, "authentication_error", "invalid_api_key", error.Message),
        429 => new(429, "rate_limit_error", "rate_limit_exceeded", "Rate limit reached for requests") { RetryAfter = error.RetryAfter },
        _ => new(error.HttpStatus, "invalid_request_error", error.Code.ToString(CultureInfo.InvariantCulture), error.Message),
    };

    public static SandboxChatError Invalid(string message, string? param = null) => new(400, "invalid_request_error", "invalid_request", message, param);
}

/// <summary>
/// A reply the sandbox will stream: deterministic tokens (the same conversation always gets the same words), the
/// prompt's token count, and how it ends. Triggers in the last user message: <c>[[long]]</c> (300 tokens),
/// <c>[[slow]]</c> (200 ms per token), <c>[[markdown]]</c> (a reply with emphasis, a list and a code block),
/// <c>[[fail-before]]</c> (a 500 before any token, nothing billed),
/// <c>[[fail-mid]]</c> (an error event halfway, the tokens sent billed).
/// </summary>
public sealed class SandboxChatPlan
{
    public required ChatModelSpec Model { get; init; }

    public required IReadOnlyList<string> Tokens { get; init; }

    public required long PromptTokens { get; init; }

    public required string ApiKey { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    /// <summary>After how many tokens the stream fails (null: it does not).</summary>
    public int? FailAfter { get; init; }

    public TimeSpan TokenDelay { get; init; }

    public TimeSpan FirstTokenDelay { get; init; }

    public string Id { get; } = "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public string FinishReason { get; init; } = "stop";
}

public static class SandboxChatReplies
{
    private static readonly string[] Words =
    [
        "light", "harbor", "quiet", "river", "amber", "signal", "paper", "orbit", "garden", "copper", "window", "morning",
        "field", "lantern", "stone", "echo", "meadow", "thread", "canvas", "north", "silver", "bridge", "cloud", "ember",
    ];

    /// <summary>How the sandbox counts a prompt: four bytes a token plus four a message, 765 an image (within <see cref="ChatTokens.PromptUpperBound"/>).</summary>
    public static long PromptTokens(JsonArray messages)
    {
        long total = 0;
        foreach (var message in messages.OfType<JsonObject>())
        {
            total += 4;
            foreach (var (text, isImage) in ChatTokens.Parts(message["content"]))
            {
                total += isImage ? 765 : (Encoding.UTF8.GetByteCount(text) + 3) / 4;
            }
        }

        return total;
    }

    /// <summary>The reply's tokens (each a word and its space): the same messages always get the same reply.</summary>
    public static IReadOnlyList<string> Tokens(ChatModelSpec model, JsonArray messages, string lastUser, int images, int maxTokens)
    {
        var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(model.Id + "\n" + messages.ToJsonString())));
        var random = new Random(seed);
        var count = lastUser.Contains("[[long]]", StringComparison.Ordinal) ? 300 : 12 + random.Next(30);
        var tokens = new List<string> { "Sandbox ", "reply ", "from ", model.Id + ": " };
        if (lastUser.Contains("[[markdown]]", StringComparison.Ordinal))
        {
            // Formatting to render: emphasis, a list and a code block, streamed a few characters at a time.
            const string sample = "**bold** and `inline code`.\n\n- first\n- second\n\n```python\nprint(\"hello\")\n```\n";
            tokens.AddRange(sample.Chunk(6).Select(c => new string(c)));
            return tokens.Take(maxTokens).ToList();
        }

        if (images > 0)
        {
            tokens.AddRange(["I ", "see ", images.ToString(CultureInfo.InvariantCulture) + " ", images == 1 ? "image. " : "images. "]);
        }

        while (tokens.Count < count)
        {
            tokens.Add(Words[random.Next(Words.Length)] + (tokens.Count == count - 1 ? "." : " "));
        }

        return tokens.Take(maxTokens).ToList();
    }
}

