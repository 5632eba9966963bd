using System.Globalization;
using System.Text.Json.Nodes;
using ReApi.Client.Catalog;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// The values of a generated model form, keyed by field name: strings for text, enums, URLs and URL lists (one per
/// line), <c>bool</c> for switches, <c>long?</c> and <c>double?</c> for numbers. Turns them into the request body.
/// </summary>
public static class FormValues
{
    public static Dictionary<string, object?> Defaults(ModelSpec model) =>
        model.Fields.ToDictionary(f => f.Name, f => DefaultOf(f));

    public static JsonObject ToJson(ModelSpec model, IReadOnlyDictionary<string, object?> values)
    {
        var body = new JsonObject();
        foreach (var field in model.Fields)
        {
            if (values.TryGetValue(field.Name, out var value) && ToNode(field, value) is { } node)
            {
                body[field.Name] = node;
            }
        }

        return body;
    }

    /// <summary>Puts a media URL into a field: it replaces a single URL, and joins a list (once) as a new line.</summary>
    public static void AddUrl(Dictionary<string, object?> values, FieldSpec field, string url)
    {
        if (field.Type != FieldType.UrlList)
        {
            values[field.Name] = url;
            return;
        }

        var urls = SplitLines(values.GetValueOrDefault(field.Name) as string ?? "");
        if (!urls.Contains(url))
        {
            urls.Add(url);
        }

        values[field.Name] = string.Join("\n", urls);
    }

    /// <summary>Takes a media URL out of a field again.</summary>
    public static void RemoveUrl(Dictionary<string, object?> values, FieldSpec field, string url) =>
        values[field.Name] = string.Join("\n", SplitLines(values.GetValueOrDefault(field.Name) as string ?? "").Where(u => u != url));

    private static JsonNode? ToNode(FieldSpec field, object? value) => (field.Type, value) switch
    {
        (_, null) => null,
        (FieldType.Json, string text) => string.IsNullOrWhiteSpace(text) ? null : ParseJsonOrKeepText(text),
        (FieldType.UrlList, string text) => SplitLines(text) is { Count: > 0 } urls ? new JsonArray([.. urls.Select(u => (JsonNode)u)]) : null,
        (FieldType.Text or FieldType.Url or FieldType.Enum, string text) => string.IsNullOrWhiteSpace(text) ? null : JsonValue.Create(field.Type == FieldType.Text ? text : text.Trim()),
        (FieldType.Boolean, bool flag) => JsonValue.Create(flag),
        (FieldType.Integer, long number) => JsonValue.Create(number),
        (FieldType.Integer, int number) => JsonValue.Create((long)number),
        (FieldType.Number, double number) => JsonValue.Create(number),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>Text that is not valid JSON stays text, so the validator tells the person instead of dropping it.</summary>
    private static JsonNode? ParseJsonOrKeepText(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static object? DefaultOf(FieldSpec field) => field.Type switch
    {
        // A switch without a documented default starts unset, so an untouched switch is not sent at all.
        FieldType.Boolean => field.Default is JsonValue v && v.TryGetValue(out bool b) ? b : null,
        FieldType.Integer => field.Default is JsonValue v && v.TryGetValue(out long l) ? l : null,
        FieldType.Number => field.Default is JsonValue v && v.TryGetValue(out double d) ? d : null,
        FieldType.Json => field.Default?.ToJsonString() ?? "",
        _ => field.Default is JsonValue v && v.TryGetValue(out string? s) ? s : "",
    };

    private static List<string> SplitLines(string text) =>
        [.. text.Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
