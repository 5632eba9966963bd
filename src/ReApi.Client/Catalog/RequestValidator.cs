using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

public enum ProblemKind
{
    /// <summary>A required field is absent (reAPI code 20002).</summary>
    Missing,

    /// <summary>A field has a value reAPI does not accept.</summary>
    Invalid,

    /// <summary>A field this model does not have (the schemas set additionalProperties:false).</summary>
    Unknown,
}

/// <summary>One thing wrong with a request, phrased for the person who filled in the form.</summary>
public sealed record RequestProblem(string Field, ProblemKind Kind, string Message);

/// <summary>Checks a request body against a <see cref="ModelSpec"/> before anything is sent upstream.</summary>
public static class RequestValidator
{
    /// <summary>
    /// The longest text a field without its own character limit takes: room for the longest documented input (the
    /// text detector's 30,000 words), not for megabytes.
    /// </summary>
    public const int MaxFreeTextLength = 250_000;

    /// <summary>The longest URL a media field takes.</summary>
    public const int MaxUrlLength = 4096;

    /// <summary>The most a JSON object or array field may hold, as JSON text.</summary>
    public const int MaxJsonFieldLength = 32_768;

    public static IReadOnlyList<RequestProblem> Validate(ModelSpec model, JsonObject body)
    {
        var problems = new List<RequestProblem>();
        foreach (var (name, _) in body)
        {
            if (name != "model" && model.Field(name) is null)
            {
                problems.Add(new(name, ProblemKind.Unknown, $"'{Shorten(name)}' is not a parameter of {model.Id}."));
            }
        }

        foreach (var field in model.Fields)
        {
            var value = body[field.Name];
            if (value is null || IsEmpty(value))
            {
                if (field.Required)
                {
                    problems.Add(new(field.Name, ProblemKind.Missing, $"{field.Label} is required."));
                }

                continue;
            }

            if (CheckValue(field, value) is { } message)
            {
                problems.Add(new(field.Name, ProblemKind.Invalid, message));
            }
        }

        if (problems.Count == 0)
        {
            problems.AddRange(model.Rules.Where(rule => !rule.Holds(body)).Select(rule => new RequestProblem(rule.Field, ProblemKind.Invalid, rule.Message)));
        }

        return problems;
    }

    private static bool IsEmpty(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>())
        || value is JsonArray { Count: 0 };

    private static string? CheckValue(FieldSpec field, JsonNode value) => field.Type switch
    {
        FieldType.Text => CheckText(field, value),
        FieldType.Enum => value is JsonValue v && v.TryGetValue(out string? s) && field.Options.Contains(s)
            ? null
            : $"{field.Label} must be one of {string.Join(", ", field.Options)}.",
        FieldType.Integer => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l)
            ? CheckRange(field, l)
            : $"{field.Label} must be a whole number.",
        FieldType.Number => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d)
            ? CheckRange(field, d)
            : $"{field.Label} must be a number.",
        FieldType.Boolean => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? null
            : $"{field.Label} must be true or false.",
        FieldType.Url => value is JsonValue v && v.TryGetValue(out string? url) && url.Length <= MaxUrlLength && IsPublicHttpUrl(url)
            ? null
            : $"{field.Label} must be a public http(s) URL.",
        FieldType.UrlList => CheckUrlList(field, value),
        FieldType.Json => value.ToJsonString().Length > MaxJsonFieldLength ? $"{field.Label} must be at most {MaxJsonFieldLength:N0} characters of JSON." : (field.Shape, value) switch
        {
            (JsonShape.Object, JsonObject) => null,
            (JsonShape.Array, JsonArray array) => CheckCount(field, array.Count, "items"),
            _ => $"{field.Label} must be a JSON {(field.Shape == JsonShape.Object ? "object" : "array")}.",
        },
        _ => null,
    };

    private static string? CheckText(FieldSpec field, JsonNode value)
    {
        if (value is not JsonValue v || !v.TryGetValue(out string? text))
        {
            return $"{field.Label} must be text.";
        }

        var max = field.MaxLength ?? MaxFreeTextLength;
        if (text.Length > max)
        {
            return $"{field.Label} must be at most {max} characters (it has {text.Length}).";
        }

        if (field.MinLength is { } min && text.Trim().Length < min)
        {
            return $"{field.Label} must be at least {min} characters.";
        }

        return field.Pattern is { } pattern && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))
            ? $"{field.Label} has the wrong format."
            : null;
    }

    private static string? CheckRange(FieldSpec field, double number)
    {
        if (field.Min is { } min && number < min || field.Max is { } max && number > max)
        {
            return $"{field.Label} must be between {Format(field.Min)} and {Format(field.Max)}.";
        }

        return null;
    }

    private static string? CheckUrlList(FieldSpec field, JsonNode value)
    {
        if (value is not JsonArray items)
        {
            return $"{field.Label} must be a list of URLs.";
        }

        if (CheckCount(field, items.Count, "URLs") is { } countProblem)
        {
            return countProblem;
        }

        var bad = items.FirstOrDefault(item => item is not JsonValue v || !v.TryGetValue(out string? url) || url.Length > MaxUrlLength || !IsPublicHttpUrl(url));
        return bad is null && items.All(item => item is not null)
            ? null
            : $"{field.Label}: '{Shorten(bad?.ToJsonString())}' is not a public http(s) URL (reAPI takes no uploads or data: URIs).";
    }

    private static string? CheckCount(FieldSpec field, int count, string noun)
    {
        if (field.MaxItems is { } max && count > max)
        {
            return $"{field.Label} takes at most {max} {noun} (it has {count}).";
        }

        return field.MinItems is { } min && count < min ? $"{field.Label} needs at least {min} {noun} (it has {count})." : null;
    }

    /// <summary>reAPI fetches inputs itself, so only absolute http(s) URLs are accepted.</summary>
    public static bool IsPublicHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 100 ? text : text[..100] + "…";

    private static string Format(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "…";
}
