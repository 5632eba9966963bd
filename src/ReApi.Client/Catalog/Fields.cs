using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Short constructors for the field shapes that recur across models.</summary>
internal static class Fields
{
    public static FieldSpec Prompt(int maxLength, int minLength = 1, bool required = true) =>
        new("prompt", "Prompt", FieldType.Text)
        {
            Required = required,
            MinLength = minLength,
            MaxLength = maxLength,
            Multiline = true,
        };

    public static FieldSpec Choice(string name, string label, string defaultValue, params string[] options) =>
        new(name, label, FieldType.Enum) { Options = options, Default = JsonValue.Create(defaultValue) };

    public static FieldSpec Toggle(string name, string label, bool defaultValue, string? help = null) =>
        new(name, label, FieldType.Boolean) { Default = JsonValue.Create(defaultValue), Help = help };

    public static FieldSpec Urls(string name, string label, int maxItems, string? help = null) =>
        new(name, label, FieldType.UrlList) { MaxItems = maxItems, Help = help ?? "Public http(s) URLs, one per line." };
}
