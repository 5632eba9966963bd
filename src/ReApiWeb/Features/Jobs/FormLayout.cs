using System.Globalization;
using System.Text;
using ReApi.Client.Catalog;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// How a model's form is laid out for people: option values as words (<c>CompareAndContrast</c> reads "Compare and
/// contrast"), and which fields are rare enough to sit under "Advanced". The values sent stay exactly as reAPI spells them.
/// </summary>
public static class FormLayout
{
    /// <summary>Fields most people set: everything else that is optional folds under "Advanced".</summary>
    private static readonly HashSet<string> MainFields =
    [
        "prompt", "lyrics", "title", "resolution", "size", "aspect_ratio", "ratio", "image_size", "duration", "quality",
        "mode", "n", "sample_count", "generate_audio", "audio", "sound", "instrumental", "custom_mode", "number_of_songs", "speed",
        "direction", "style", "negative_prompt",
    ];

    /// <summary>Short forms people know by another name.</summary>
    private static readonly Dictionary<string, string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["std"] = "Standard",
        ["pro"] = "Pro",
        ["hd"] = "HD",
        ["gif"] = "GIF",
        ["mp3"] = "MP3",
        ["mp4"] = "MP4",
        ["wav"] = "WAV",
        ["flac"] = "FLAC",
        ["aac"] = "AAC",
        ["ogg"] = "OGG",
        ["png"] = "PNG",
        ["jpeg"] = "JPEG",
        ["jpg"] = "JPG",
        ["webp"] = "WebP",
    };

    public static bool IsAdvanced(FieldSpec field) =>
        !field.Required && field.Accepts is null && (field.Type == FieldType.Json || !MainFields.Contains(field.Name));

    /// <summary>An option as words: split at capitals, underscores and hyphens, first word capitalised, the rest lower case.</summary>
    public static string OptionLabel(string option)
    {
        if (Words.TryGetValue(option, out var known))
        {
            return known;
        }

        if (!option.Any(char.IsLetter) || char.IsDigit(option[0]))
        {
            // Ratios, sizes and resolutions ("16:9", "1080p") read as they are; "4k" is written "4K".
            return option.Length <= 3 && option.EndsWith('k') ? option.ToUpperInvariant() : option;
        }

        var words = Split(option).Select(w => Words.TryGetValue(w, out var word) ? word : w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant()).ToList();
        var text = string.Join(' ', words);
        return text.Length == 0 ? option : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
    }

    private static IEnumerable<string> Split(string option)
    {
        var word = new StringBuilder();
        for (var i = 0; i < option.Length; i++)
        {
            var c = option[i];
            if (c is '_' or '-' or ' ')
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }

                continue;
            }

            // A capital after a lower-case letter starts a word: "CompareAnd" → "Compare", "And".
            if (char.IsUpper(c) && word.Length > 0 && char.IsLower(option[i - 1]))
            {
                yield return word.ToString();
                word.Clear();
            }

            word.Append(c);
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
