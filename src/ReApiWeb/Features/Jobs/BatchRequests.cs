using System.Globalization;
using ReApi.Client.Catalog;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Turns a pasted list of prompts, or a CSV with one column per field, into the requests of a batch: each line or row
/// takes the form's settings and puts its own values on top.
/// </summary>
public static class BatchRequests
{
    /// <summary>One request per non-empty line, the line as the model's main text (its prompt).</summary>
    public static (IReadOnlyList<JobRequest> Requests, IReadOnlyList<string> Problems) FromLines(ModelSpec model, IReadOnlyDictionary<string, object?> settings, string text)
    {
        if (model.MainField is not { } main)
        {
            return ([], [$"{model.DisplayName} takes no prompt, so a list of prompts cannot be run on it."]);
        }

        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return ([.. lines.Select(line => Request(model, settings, new Dictionary<string, object?> { [main.Name] = line }))], []);
    }

    /// <summary>One request per CSV row; the header names the fields (a <c>prompt</c> column, and any other field of the model).</summary>
    public static (IReadOnlyList<JobRequest> Requests, IReadOnlyList<string> Problems) FromCsv(ModelSpec model, IReadOnlyDictionary<string, object?> settings, string csv)
    {
        var rows = Credits.Csv.Parse(csv);
        if (rows.Count < 2)
        {
            return ([], ["The CSV needs a header row naming the fields (e.g. prompt) and at least one row below it."]);
        }

        var header = rows[0].Select(h => h.Trim()).ToList();
        var problems = header.Where(h => model.Field(h) is null).Select(h => $"Column “{h}” is not a field of {model.DisplayName}.").ToList();
        var requests = new List<JobRequest>();
        for (var r = 1; r < rows.Count; r++)
        {
            var values = new Dictionary<string, object?>();
            for (var c = 0; c < header.Count && c < rows[r].Count; c++)
            {
                if (model.Field(header[c]) is not { } field || rows[r][c].Trim() is not { Length: > 0 } cell)
                {
                    continue;
                }

                if (Parse(field, cell) is { } value)
                {
                    values[field.Name] = value;
                }
                else
                {
                    problems.Add($"Row {r + 1}: “{cell}” is not a valid {field.Label}.");
                }
            }

            if (values.Count > 0)
            {
                requests.Add(Request(model, settings, values));
            }
        }

        return (requests, problems);
    }

    private static JobRequest Request(ModelSpec model, IReadOnlyDictionary<string, object?> settings, Dictionary<string, object?> own)
    {
        var values = new Dictionary<string, object?>(settings);
        foreach (var (name, value) in own)
        {
            values[name] = value;
        }

        return new JobRequest(model.Id, FormValues.ToJson(model, values), Guid.NewGuid());
    }

    private static object? Parse(FieldSpec field, string cell) => field.Type switch
    {
        FieldType.Integer => long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
        FieldType.Number => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        FieldType.Boolean => bool.TryParse(cell, out var b) ? b : cell is "1" or "yes" ? true : cell is "0" or "no" ? false : null,
        _ => cell,
    };
}
