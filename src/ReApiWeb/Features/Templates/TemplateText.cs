using System.Text.RegularExpressions;

namespace ReApiWeb.Features.Templates;

/// <summary>A prompt a template produced, and whether the person did it (not the address opening the template).</summary>
public sealed record TemplatePrompt(string Text, bool ByPerson);

/// <summary>
/// The <c>{placeholders}</c> of a prompt template: a name of letters, digits, spaces, '-' or '_' (at most 40) between
/// braces. Anything else in braces (JSON, a lone brace) is plain text.
/// </summary>
public static partial class TemplateText
{
    public const int MaxPlaceholders = 20;

    /// <summary>The distinct placeholder names in the order they first appear.</summary>
    public static IReadOnlyList<string> Placeholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The text with each placeholder that has a value replaced by it (the others stay as they are), and the first
    /// placeholder still without a value, if any.
    /// </summary>
    public static (string Text, string? Missing) Fill(string text, IReadOnlyDictionary<string, string?> values)
    {
        var missing = Placeholders(text).FirstOrDefault(name => string.IsNullOrWhiteSpace(Find(values, name)));
        var filled = Placeholder().Replace(text, m => Find(values, m.Groups[1].Value.Trim()) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : m.Value);
        return (filled, missing);
    }

    /// <summary>Why a template's text cannot be saved, or null.</summary>
    public static string? Error(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "Write the prompt, with {placeholders} for what changes each time."
        : text.Length > Data.PromptTemplate.MaxTextLength ? $"A template has at most {Data.PromptTemplate.MaxTextLength:N0} characters."
        : Placeholders(text).Count > MaxPlaceholders ? $"A template has at most {MaxPlaceholders} different placeholders."
        : null;

    private static string? Find(IReadOnlyDictionary<string, string?> values, string name) =>
        values.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    [GeneratedRegex(@"\{([\p{L}\p{N}_][\p{L}\p{N}_ \-]{0,39})\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
