using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ReApi.Client;

/// <summary>Reads reAPI's answers loosely, as the contract advises: fields may move between models.</summary>
public static partial class ReApiResponseParser
{
    /// <summary>Task ids are opaque; clients accept these characters and lengths.</summary>
    [GeneratedRegex("^[A-Za-z0-9._-]{8,128}$")]
    public static partial Regex TaskIdPattern();

    /// <summary>Reads the submit id as <c>id</c>, then <c>task_id</c>, then <c>data[0].task_id</c>.</summary>
    public static SubmittedTask ParseSubmit(string body)
    {
        var root = ParseObject(body);
        var id = String(root, "id") ?? String(root, "task_id")
            ?? (root["data"] is JsonArray { Count: > 0 } data && data[0] is JsonObject first
                ? String(first, "task_id") ?? String(first, "id")
                : null);
        if (id is null || !TaskIdPattern().IsMatch(id))
        {
            throw Invalid("The submission answer carried no usable task id.");
        }

        return new SubmittedTask(id, String(root, "model"), UnixSeconds(root["created_at"]));
    }

    public static ReApiTask ParseTask(string body)
    {
        var root = ParseObject(body);
        var id = String(root, "id") ?? String(root, "task_id") ?? throw Invalid("The task answer carried no id.");
        var status = ParseStatus(String(root, "status"));
        var output = root["output"] as JsonObject;
        ReApiTaskError? error = null;
        if (root["error"] is JsonObject errorObject)
        {
            error = new ReApiTaskError(Int(errorObject["code"]), String(errorObject, "message") ?? "The task failed without a message.");
        }
        else if (root["error"] is JsonValue errorText && errorText.TryGetValue(out string? message))
        {
            error = new ReApiTaskError(null, message);
        }

        return new ReApiTask(id, String(root, "model"), status, UnixSeconds(root["created_at"]), output?.DeepClone().AsObject(), error);
    }

    public static long ParseBalance(string body)
    {
        var root = ParseObject(body);
        return root["balance"] is JsonValue value && value.TryGetValue(out long balance)
            ? balance
            : root["balance"] is JsonValue number && number.TryGetValue(out double d)
                ? (long)d
                : throw Invalid("The balance answer carried no balance.");
    }

    /// <summary>Maps an HTTP error to a typed exception. Bodies that are not JSON (an HTML 403 from the edge) are tolerated.</summary>
    public static ReApiException ParseError(HttpStatusCode status, string? body, HttpResponseHeaders? headers, TimeProvider time, bool isPost)
    {
        int? code = null;
        string? message = null;
        string? requestId = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                if (JsonNode.Parse(body) is JsonObject root && root["error"] is JsonObject error)
                {
                    code = Int(error["code"]);
                    message = String(error, "message");
                    requestId = String(error, "request_id");
                }
                else if (JsonNode.Parse(body) is JsonObject flat)
                {
                    message = String(flat, "message");
                }
            }
            catch (JsonException)
            {
                // Not JSON: keep the status only.
            }
        }

        var httpStatus = (int)status;
        var kind = httpStatus switch
        {
            401 or 403 => ReApiErrorKind.Authentication,
            402 => ReApiErrorKind.InsufficientCredits,
            404 => ReApiErrorKind.NotFound,
            429 => ReApiErrorKind.RateLimited,
            >= 500 => ReApiErrorKind.Server,
            _ => ReApiErrorKind.Validation,
        };
        TimeSpan? retryAfter = kind == ReApiErrorKind.RateLimited ? ReadRetryAfter(headers, time) : null;
        message ??= DefaultMessage(kind, httpStatus);
        return new ReApiException(kind, message, httpStatus, code, requestId, retryAfter, outcomeUnknown: isPost && kind == ReApiErrorKind.Server);
    }

    /// <summary><c>Retry-After</c> is seconds per the docs; an HTTP date is accepted too. Missing means one second.</summary>
    public static TimeSpan ReadRetryAfter(HttpResponseHeaders? headers, TimeProvider time)
    {
        var value = headers?.RetryAfter;
        if (value?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return TimeSpan.FromSeconds(1);
    }

    private static ReApiTaskStatus ParseStatus(string? status) => status?.ToLowerInvariant() switch
    {
        "completed" or "succeeded" or "success" => ReApiTaskStatus.Completed,
        "failed" or "cancelled" or "canceled" or "error" => ReApiTaskStatus.Failed,
        "processing" or "queued" or "pending" or "running" or "submitted" => ReApiTaskStatus.Processing,
        _ => throw Invalid($"Unknown task status '{status}'."),
    };

    private static string DefaultMessage(ReApiErrorKind kind, int status) => kind switch
    {
        ReApiErrorKind.Authentication => $"reAPI refused the key (HTTP {status}).",
        ReApiErrorKind.InsufficientCredits => "The reAPI account has too few credits.",
        ReApiErrorKind.NotFound => "reAPI does not know this task.",
        ReApiErrorKind.RateLimited => "reAPI's rate limit was hit.",
        ReApiErrorKind.Server => $"reAPI answered with a server error (HTTP {status}).",
        _ => $"reAPI refused the request (HTTP {status}).",
    };

    private static JsonObject ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw Invalid("The answer was not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ReApiException(ReApiErrorKind.InvalidResponse, "The answer was not valid JSON.", innerException: e);
        }
    }

    private static ReApiException Invalid(string message) => new(ReApiErrorKind.InvalidResponse, message);

    private static string? String(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue(out string? s) && !string.IsNullOrEmpty(s) ? s : null;

    private static int? Int(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out int i) => i,
        JsonValue v when v.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static DateTimeOffset? UnixSeconds(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out long seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
