using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace ReApiWeb.Features.Api;

/// <summary>
/// Reads a request body as one JSON object, refusing what reAPI would refuse and what would otherwise surface later as
/// a server error: more than <see cref="ApiOptions.MaxRequestBodyBytes"/> (413), invalid JSON or UTF-8, duplicate
/// keys, nesting deeper than <see cref="MaxDepth"/>, and strings that are not valid Unicode (lone surrogates).
/// </summary>
public static class JsonBody
{
    /// <summary>Why a body was refused: its HTTP status (400 or 413) and the message; each API writes it in its own envelope.</summary>
    public sealed record Refusal(int Status, string Message)
    {
        /// <summary>In reAPI's envelope.</summary>
        public IResult ToReApiResult() =>
            ApiErrors.Result(Status, Status == StatusCodes.Status413PayloadTooLarge ? ApiErrors.BodyTooLarge : ApiErrors.InvalidBody, Message);
    }

    public const int MaxDepth = 32;

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    public static async Task<(JsonObject? Body, Refusal? Error)> ReadObjectAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        byte[] bytes;
        try
        {
            bytes = await ReadAtMostAsync(request.Body, maxBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (InvalidDataException)
        {
            return (null, TooLarge(maxBytes));
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: Options);
            Validate(node);
        }
        catch (JsonException e)
        {
            return (null, Invalid($"Request body is not valid JSON: {e.Message}"));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // Thrown while reading strings or names: invalid UTF-8, a lone surrogate, a duplicate key.
            return (null, Invalid("Request body is not valid JSON: it holds text that is not valid Unicode, or a key twice."));
        }

        return node is JsonObject body ? (body, null) : (null, Invalid("Request body must be a JSON object"));
    }

    /// <summary>Reads every string and key once, so that any that cannot be decoded fails here rather than later.</summary>
    private static void Validate(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Validate(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Validate(child);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(text))
                {
                    throw new FormatException("A string holds a lone surrogate.");
                }

                break;
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<byte[]> ReadAtMostAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException("The body is larger than allowed.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Refusal TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {maxBytes:N0} bytes");

    private static Refusal Invalid(string message) => new(StatusCodes.Status400BadRequest, message);
}
