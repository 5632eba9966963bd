using System.Text;
using ReApiWeb.Data;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs;

/// <summary>Names a downloaded output after its job: <c>flux-2-red-fox-in-snow-1.png</c> (model, the prompt's first words, number).</summary>
public static class OutputFileNames
{
    private const int MaxSlugLength = 40;

    public static string For(string modelId, string prompt, OutputMediaKind kind, int index, string? contentType, string storedPath)
    {
        var extension = MediaTypes.ExtensionFor(contentType) ?? Path.GetExtension(storedPath);
        var suffix = kind == OutputMediaKind.LastFrame ? "last-frame" : (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{Base(modelId, prompt)}-{suffix}{extension}";
    }

    /// <summary>The job's part of the name: <c>flux-2-red-fox-in-snow</c>.</summary>
    public static string Base(string modelId, string prompt)
    {
        var slug = Slug(prompt);
        return Slug(modelId) + (slug.Length > 0 ? "-" + slug : "");
    }

    /// <summary>Lower-case ASCII letters and digits, words joined by '-', at most 40 characters, cut at a word.</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var result = slug.ToString().Trim('-');
        if (result.Length > MaxSlugLength)
        {
            result = result[..MaxSlugLength];
            result = result.Contains('-') ? result[..result.LastIndexOf('-')] : result;
        }

        return result;
    }
}
