using System.Text;
using System.Text.Json.Nodes;

namespace ReApi.Client.Chat;

/// <summary>Tokens a reply used, as the upstream reported them (or as estimated when it could not: a stopped stream).</summary>
public readonly record struct ChatUsage(long PromptTokens, long CompletionTokens)
{
    public static ChatUsage? Parse(JsonNode? usage) =>
        usage is JsonObject o && Long(o["prompt_tokens"]) is { } prompt && Long(o["completion_tokens"]) is { } completion
            ? new ChatUsage(prompt, completion)
            : null;

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue(out long n) && n >= 0 ? n : null;
}

/// <summary>
/// Token counts before the upstream answers. <see cref="PromptUpperBound"/> bounds what any tokenizer can count for a
/// prompt (a token is at least one byte of text; an image is counted at <see cref="ImageTokens"/>), so a hold built on
/// it covers the reply; <see cref="Estimate"/> is the usual four characters per token, for a stream stopped before
/// its usage arrived.
/// </summary>
public static class ChatTokens
{
    /// <summary>What an image in a prompt is assumed to cost at most (a large image at high detail).</summary>
    public const int ImageTokens = 2_000;

    /// <summary>Per message: role and separators.</summary>
    public const int MessageOverhead = 8;

    public static long PromptUpperBound(JsonArray messages)
    {
        long total = 0;
        foreach (var message in messages.OfType<JsonObject>())
        {
            total += MessageOverhead;
            foreach (var (text, isImage) in Parts(message["content"]))
            {
                total += isImage ? ImageTokens : Encoding.UTF8.GetByteCount(text);
            }
        }

        return total;
    }

    public static long PromptEstimate(JsonArray messages)
    {
        long total = 0;
        foreach (var message in messages.OfType<JsonObject>())
        {
            total += MessageOverhead / 2;
            foreach (var (text, isImage) in Parts(message["content"]))
            {
                total += isImage ? ImageTokens / 2 : Estimate(text);
            }
        }

        return total;
    }

    /// <summary>About four characters per token, at least one for any text.</summary>
    public static long Estimate(string text) => text.Length == 0 ? 0 : Math.Max(1, (text.Length + 3) / 4);

    /// <summary>The text parts and images of a message's content (a string, or OpenAI's list of parts).</summary>
    public static IEnumerable<(string Text, bool IsImage)> Parts(JsonNode? content)
    {
        if (content is JsonValue v && v.TryGetValue(out string? text))
        {
            yield return (text, false);
        }
        else if (content is JsonArray parts)
        {
            foreach (var part in parts.OfType<JsonObject>())
            {
                if (part["type"] is JsonValue type && type.TryGetValue(out string? kind) && kind == "image_url")
                {
                    yield return ("", true);
                }
                else if (part["text"] is JsonValue t && t.TryGetValue(out string? partText))
                {
                    yield return (partText, false);
                }
            }
        }
    }
}
