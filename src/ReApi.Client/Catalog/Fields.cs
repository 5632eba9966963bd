using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Short constructors for the field shapes that recur across models.</summary>
internal static class Fields
{
    public static FieldSpec Prompt(int? maxLength, int minLength = 1, bool required = true) =>
        new("prompt", "Prompt", FieldType.Text)
        {
            Required = required,
            MinLength = minLength,
            MaxLength = maxLength,
            Multiline = true,
        };

    public static FieldSpec Choice(string name, string label, string defaultValue, params string[] options) =>
        new(name, label, FieldType.Enum) { Options = options, Default = JsonValue.Create(defaultValue) };

    /// <summary>An enum the contract gives no default for.</summary>
    public static FieldSpec Options(string name, string label, params string[] options) =>
        new(name, label, FieldType.Enum) { Options = options };

    public static FieldSpec Toggle(string name, string label, bool defaultValue, string? help = null) =>
        new(name, label, FieldType.Boolean) { Default = JsonValue.Create(defaultValue), Help = help };

    /// <summary>A switch the contract gives no default for.</summary>
    public static FieldSpec Flag(string name, string label, string? help = null) =>
        new(name, label, FieldType.Boolean) { Help = help };

    public static FieldSpec Urls(string name, string label, MediaKind accepts, int maxItems, string? help = null) =>
        new(name, label, FieldType.UrlList) { Accepts = accepts, MaxItems = maxItems, Help = help ?? "Public http(s) URLs, one per line." };

    public static FieldSpec Url(string name, string label, MediaKind accepts, bool required = false, string? help = null) =>
        new(name, label, FieldType.Url) { Accepts = accepts, Required = required, Help = help ?? "A public http(s) URL." };

    public static FieldSpec Text(string name, string label, int? maxLength = null, bool required = false, bool multiline = false) =>
        new(name, label, FieldType.Text) { MaxLength = maxLength, Required = required, Multiline = multiline };

    public static FieldSpec Integer(string name, string label, double? min = null, double? max = null, long? defaultValue = null) =>
        new(name, label, FieldType.Integer)
        {
            Min = min,
            Max = max,
            Default = defaultValue is { } value ? JsonValue.Create(value) : null,
        };

    public static FieldSpec Number(string name, string label, double? min = null, double? max = null, double? defaultValue = null) =>
        new(name, label, FieldType.Number)
        {
            Min = min,
            Max = max,
            Default = defaultValue is { } value ? JsonValue.Create(value) : null,
        };

    public static FieldSpec Duration(double min, double max, long? defaultValue = null) =>
        Integer("duration", "Duration (seconds)", min, max, defaultValue);

    public static FieldSpec Seed(double? min = null, double? max = null) => Integer("seed", "Seed", min, max);

    public static FieldSpec JsonObject(string name, string label, string help) =>
        new(name, label, FieldType.Json) { Shape = JsonShape.Object, Help = help };

    public static FieldSpec JsonArray(string name, string label, string help, int? maxItems = null, int? minItems = null) =>
        new(name, label, FieldType.Json) { Shape = JsonShape.Array, MaxItems = maxItems, MinItems = minItems, Help = help };

    /// <summary>The prompt may be left out only when <paramref name="mediaField"/> carries the input instead.</summary>
    public static CrossFieldRule PromptUnless(string mediaField, string message) =>
        new("prompt", message, body => Body.Has(body, "prompt") || Body.Has(body, mediaField));
}
