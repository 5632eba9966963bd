using System.Text.Json.Nodes;
using ReApi.Client.Chat;

namespace ReApiWeb.Features.Chat;

/// <summary>Why a chat request was not sent, in OpenAI's error terms (<c>{"error":{"message","type","param","code"}}</c>).</summary>
public sealed record ChatProblem(int Status, string Type, string Code, string Message, string? Param = null)
{
    public TimeSpan? RetryAfter { get; init; }

    public static ChatProblem Invalid(string message, string? param = null) => new(400, "invalid_request_error", "invalid_request", message, param);
}

/// <summary>A request that passed the checks: its model, the body to send upstream and the reply length it may reach.</summary>
public sealed record CheckedChatRequest(ChatModelSpec Model, JsonObject Body, int MaxTokens, bool Stream, bool ClientWantsUsage);

/// <summary>
/// Checks an OpenAI chat request before anything is held: the model is a chat model, the messages are well formed
/// (images only for vision models), the reply length is bounded (the hold covers it) and only one choice is asked
/// for. Other fields pass through to the chat host untouched.
/// </summary>
public static class ChatRequestCheck
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public static (CheckedChatRequest? Request, ChatProblem? Problem) Check(JsonObject request, ChatOptions options)
    {
        var modelId = request["model"] is JsonValue m && m.TryGetValue(out string? id) ? id : null;
        if (string.IsNullOrEmpty(modelId))
        {
            return (null, ChatProblem.Invalid("Missing required parameter: 'model'.", "model"));
        }

        if (ChatModels.Find(modelId) is not { } model)
        {
            return (null, new ChatProblem(404, "invalid_request_error", "model_not_found", $"The model '{Api.ReApiCompatibleApi.Shorten(modelId)}' does not exist or is not a chat model. GET /v1/models lists them.", "model"));
        }

        if (request["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return (null, ChatProblem.Invalid("'messages' must be a non-empty array.", "messages"));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message["role"] is not JsonValue r || !r.TryGetValue(out string? role) || !Roles.Contains(role))
            {
                return (null, ChatProblem.Invalid($"messages[{i}] must be an object with a role of system, developer, user, assistant or tool.", $"messages[{i}]"));
            }

            var content = message["content"];
            if (content is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    var type = part?["type"] is JsonValue t && t.TryGetValue(out string? kind) ? kind : null;
                    if (type == "image_url")
                    {
                        if (!model.Vision)
                        {
                            return (null, ChatProblem.Invalid($"{model.DisplayName} does not accept images; pick a vision model.", $"messages[{i}].content"));
                        }

                        if (part?["image_url"]?["url"] is not JsonValue u || !u.TryGetValue(out string? _))
                        {
                            return (null, ChatProblem.Invalid($"messages[{i}]: an image_url part needs image_url.url.", $"messages[{i}].content"));
                        }
                    }
                    else if (type != "text" || part?["text"] is not JsonValue)
                    {
                        return (null, ChatProblem.Invalid($"messages[{i}]: each content part must be text or image_url.", $"messages[{i}].content"));
                    }
                }
            }
            else if (content is not null && !(content is JsonValue v && v.TryGetValue(out string? _)))
            {
                return (null, ChatProblem.Invalid($"messages[{i}].content must be a string or a list of parts.", $"messages[{i}].content"));
            }
        }

        var lengthField = request.ContainsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens;
        if (request[lengthField] is null)
        {
            maxTokens = Math.Min(model.MaxOutputTokens, options.DefaultMaxTokens);
        }
        else if (request[lengthField] is JsonValue l && l.TryGetValue(out int asked) && asked >= 1 && asked <= model.MaxOutputTokens)
        {
            maxTokens = asked;
        }
        else
        {
            return (null, ChatProblem.Invalid($"'{lengthField}' must be a whole number from 1 to {model.MaxOutputTokens} for {model.DisplayName}.", lengthField));
        }

        if (request["temperature"] is { } temperature && !(temperature is JsonValue tv && tv.TryGetValue(out double value) && value is >= 0 and <= 2))
        {
            return (null, ChatProblem.Invalid("'temperature' must be a number from 0 to 2.", "temperature"));
        }

        if (request["n"] is { } n && !(n is JsonValue nv && nv.TryGetValue(out int count) && count == 1))
        {
            return (null, ChatProblem.Invalid("Only one choice per request is supported ('n' must be 1).", "n"));
        }

        var stream = request["stream"] switch
        {
            null => false,
            JsonValue sv when sv.TryGetValue(out bool flag) => flag,
            _ => (bool?)null,
        };
        if (stream is null)
        {
            return (null, ChatProblem.Invalid("'stream' must be true or false.", "stream"));
        }

        var clientWantsUsage = request["stream_options"]?["include_usage"] is JsonValue iu && iu.TryGetValue(out bool wants) && wants;
        var body = (JsonObject)request.DeepClone();
        body[lengthField] = maxTokens;
        if (stream.Value)
        {
            // The usage is what the reply is charged by: always asked for (and dropped before a client that did not ask).
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (options.Group is { Length: > 0 } group && !body.ContainsKey("group"))
        {
            body["group"] = group;
        }

        return (new CheckedChatRequest(model, body, maxTokens, stream.Value, clientWantsUsage), null);
    }
}
