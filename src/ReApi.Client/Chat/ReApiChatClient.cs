using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReApi.Client.RateLimiting;

namespace ReApi.Client.Chat;

/// <summary>One server-sent event of a streamed reply: its JSON, the text it adds, the usage (last chunk) or an error.</summary>
public sealed record ChatChunk(JsonObject Json, string? Text, ChatUsage? Usage, string? Error)
{
    /// <summary>A chunk carrying only the usage (OpenAI sends it last, with no choices, when asked for it).</summary>
    public bool UsageOnly => Usage is not null && Json["choices"] is not JsonArray { Count: > 0 };
}

/// <summary>
/// The client of reAPI's OpenAI-compatible chat host (CONTRACT.md §3.5). A request takes one slot of the account's chat
/// budget, counted until the answer's headers arrive; a request is never repeated (every reply is billed).
/// Errors come as OpenAI's <c>{"error":{"message","type","code"}}</c> (or reAPI's envelope) and become <see cref="ReApiException"/>.
/// </summary>
public sealed class ReApiChatClient(HttpClient http, IReApiConnectionSource connections, IUpstreamRateGate gate)
{
    /// <summary>Sends a chat request and returns once the answer began (its headers are in); throws when it was refused.</summary>
    public async Task<ChatAnswer> SendAsync(JsonObject body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using (await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Submit, cancellationToken).ConfigureAwait(false))
        {
            var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(connection.BaseUri, "chat/completions"))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.ApiKey);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new ReApiException(ReApiErrorKind.Transport, $"The chat host could not be reached: {e.Message}", outcomeUnknown: true, innerException: e);
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return new ChatAnswer(response);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var failure = Failure((int)response.StatusCode, text, retryAfter);
            if (failure.Kind == ReApiErrorKind.RateLimited)
            {
                gate.Pause(retryAfter ?? TimeSpan.FromSeconds(1));
            }

            throw failure;
        }
    }

    /// <summary>Checks a key with <c>GET /models</c> (one slot): the models it may use, or the refusal.</summary>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var slot = await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Balance, cancellationToken).ConfigureAwait(false);
        var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, "models"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.ApiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ReApiException(ReApiErrorKind.Transport, $"The chat host could not be reached: {e.Message}", innerException: e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure((int)response.StatusCode, text, response.Headers.RetryAfter?.Delta);
            }

            try
            {
                return JsonNode.Parse(text)?["data"] is JsonArray data
                    ? [.. data.OfType<JsonObject>().Select(m => m["id"]?.ToString()).OfType<string>()]
                    : throw new ReApiException(ReApiErrorKind.InvalidResponse, "The chat host's model list has no data.");
            }
            catch (JsonException e)
            {
                throw new ReApiException(ReApiErrorKind.InvalidResponse, "The chat host answered the model list with something that is not JSON.", (int)response.StatusCode, innerException: e);
            }
        }
    }

    /// <summary>An error answer as an exception: its kind by HTTP status, its message from the body's <c>error.message</c>.</summary>
    public static ReApiException Failure(int status, string body, TimeSpan? retryAfter)
    {
        string? message = null;
        try
        {
            message = JsonNode.Parse(body)?["error"] switch
            {
                JsonObject e => e["message"]?.ToString(),
                JsonValue v => v.ToString(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            // Not JSON (a gateway's page): the status says enough.
        }

        var kind = status switch
        {
            401 or 403 => ReApiErrorKind.Authentication,
            402 => ReApiErrorKind.InsufficientCredits,
            404 => ReApiErrorKind.NotFound,
            429 => ReApiErrorKind.RateLimited,
            >= 400 and < 500 => ReApiErrorKind.Validation,
            _ => ReApiErrorKind.Server,
        };
        return new ReApiException(kind, message ?? $"The chat host answered HTTP {status}.", status, retryAfter: retryAfter);
    }
}

/// <summary>An answer that began: a whole completion (<see cref="ReadCompletionAsync"/>) or a stream of chunks (<see cref="ReadChunksAsync"/>).</summary>
public sealed class ChatAnswer(HttpResponseMessage response) : IDisposable
{
    public bool IsStream => response.Content.Headers.ContentType?.MediaType == "text/event-stream";

    public async Task<JsonObject> ReadCompletionAsync(CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new ReApiException(ReApiErrorKind.InvalidResponse, "The chat host's answer is not a JSON object.", (int)response.StatusCode);
        }
        catch (JsonException e)
        {
            throw new ReApiException(ReApiErrorKind.InvalidResponse, "The chat host's answer is not JSON.", (int)response.StatusCode, innerException: e);
        }
    }

    /// <summary>The chunks until <c>[DONE]</c> or the end of the stream; a chunk with an error ends it.</summary>
    public async IAsyncEnumerable<ChatChunk> ReadChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new ReApiException(ReApiErrorKind.Transport, $"The chat host's stream broke off: {e.Message}", innerException: e);
            }

            if (line is null || line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var payload = data.ToString();
                    data.Clear();
                    if (payload == "[DONE]")
                    {
                        yield break;
                    }

                    var chunk = Parse(payload);
                    yield return chunk;
                    if (chunk.Error is not null)
                    {
                        yield break;
                    }
                }

                if (line is null)
                {
                    yield break;
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(5).TrimStart(' '));
            }
        }
    }

    private static ChatChunk Parse(string payload)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(payload) as JsonObject ?? throw new ReApiException(ReApiErrorKind.InvalidResponse, "A chunk of the chat stream is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ReApiException(ReApiErrorKind.InvalidResponse, "A chunk of the chat stream is not JSON.", innerException: e);
        }

        if (json["error"] is { } error)
        {
            return new ChatChunk(json, null, null, (error as JsonObject)?["message"]?.ToString() ?? error.ToString());
        }

        var text = new StringBuilder();
        if (json["choices"] is JsonArray choices)
        {
            foreach (var choice in choices.OfType<JsonObject>())
            {
                if (choice["delta"]?["content"] is JsonValue content && content.TryGetValue(out string? piece))
                {
                    text.Append(piece);
                }
            }
        }

        return new ChatChunk(json, text.Length > 0 ? text.ToString() : null, ChatUsage.Parse(json["usage"]), null);
    }

    public void Dispose() => response.Dispose();
}
