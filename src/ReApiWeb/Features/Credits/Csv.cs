using System.Globalization;
using System.Text;

namespace ReApiWeb.Features.Credits;

/// <summary>RFC 4180: written lines quote fields with commas, quotes or line breaks (times in ISO 8601 UTC); read rows undo that.</summary>
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

    /// <summary>Reads RFC 4180 rows: commas (or semicolons, if the first line has no comma), double quotes, quoted line breaks; blank lines are skipped.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Parse(string text)
    {
        var firstLine = text.Split('\n')[0];
        var separator = !firstLine.Contains(',') && firstLine.Contains(';') ? ';' : ',';
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(cell.ToString());
                cell.Clear();
                if (row.Any(v => v.Length > 0))
                {
                    rows.Add(row);
                }

                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        row.Add(cell.ToString());
        if (row.Any(v => v.Length > 0))
        {
            rows.Add(row);
        }

        return rows;
    }
}
