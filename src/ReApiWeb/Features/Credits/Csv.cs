using System.Globalization;

namespace ReApiWeb.Features.Credits;

/// <summary>RFC 4180 lines: fields with commas, quotes or line breaks are quoted; times in ISO 8601 UTC.</summary>
public static class Csv
{
    public static string Line(params object?[] fields) => string.Join(',', fields.Select(Field));

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        // A leading =, +, - or @ would run as a formula in a spreadsheet, and so would one after a leading tab or carriage return.
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && value is string)
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
