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

    /// <summary>
    /// The form of <paramref name="to"/> after switching from <paramref name="from"/>: every field the new model shares
    /// (same name, a value it accepts) keeps what was typed, the prompt moves into a text tool's main field, and the
    /// rest starts at the new model's defaults.
    /// </summary>
    public static Dictionary<string, object?> Carry(ModelSpec from, IReadOnlyDictionary<string, object?> values, ModelSpec to)
    {
        var carried = Defaults(to);
        foreach (var field in to.Fields)
        {
            if (from.Field(field.Name) is { } old && Compatible(old.Type, field.Type) && values.TryGetValue(field.Name, out var value) && Fits(field, value))
            {
                carried[field.Name] = value;
            }
        }

        if (from.MainField is { } oldMain && to.MainField is { } newMain && oldMain.Name != newMain.Name
            && values.GetValueOrDefault(oldMain.Name) is string text && !string.IsNullOrWhiteSpace(text) && carried[newMain.Name] is "")
        {
            carried[newMain.Name] = text;
        }

        return carried;
    }

    /// <summary>A form filled from a stored request body (a remix): the inverse of <see cref="ToJson"/>; unknown fields are dropped.</summary>
    public static Dictionary<string, object?> FromRequest(ModelSpec model, JsonObject parameters)
    {
        var values = Defaults(model);
        foreach (var field in model.Fields)
        {
            if (parameters[field.Name] is { } node)
            {
                values[field.Name] = FromNode(field, node);
            }
        }

        return values;
    }

    /// <summary>A choice and a free text field of the same name take the same values (one model lists them, another checks a pattern).</summary>
    private static bool Compatible(FieldType from, FieldType to) =>
        from == to || (from is FieldType.Enum or FieldType.Text && to is FieldType.Enum or FieldType.Text);

    /// <summary>Whether a value typed for one model's field is one the other model's field of the same name accepts.</summary>
    private static bool Fits(FieldSpec field, object? value) => value switch
    {
        null or "" => false,
        string option when field.Type == FieldType.Enum => field.Options.Contains(option),
        string text when field.Pattern is { } pattern => System.Text.RegularExpressions.Regex.IsMatch(text, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100)),
        string => field.Type is FieldType.Text or FieldType.Url or FieldType.UrlList or FieldType.Json,
        bool => field.Type == FieldType.Boolean,
        long => field.Type == FieldType.Integer,
        double => field.Type == FieldType.Number,
        _ => false,
    };

    private static object? FromNode(FieldSpec field, JsonNode node) => (field.Type, node) switch
    {
        (FieldType.UrlList, JsonArray urls) => string.Join("\n", urls.Select(u => u?.GetValue<string>())),
        (FieldType.Json, _) => node.ToJsonString(),
        (FieldType.Boolean, JsonValue v) when v.TryGetValue(out bool flag) => flag,
        (FieldType.Integer, JsonValue v) when v.TryGetValue(out long number) => number,
        (FieldType.Number, JsonValue v) when v.TryGetValue(out double number) => number,
        (_, JsonValue v) when v.TryGetValue(out string? text) => text,
        _ => node.ToJsonString(),
    };

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
        values[field.Name] = string.Join("\n", Urls(values, field).Where(u => u != url));

    /// <summary>The media URLs in a field (one per line in a list).</summary>
    public static IReadOnlyList<string> Urls(Dictionary<string, object?> values, FieldSpec field) =>
        SplitLines(values.GetValueOrDefault(field.Name) as string ?? "");

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
