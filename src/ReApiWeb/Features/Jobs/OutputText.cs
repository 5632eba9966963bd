using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// The readable values of a task's output that are not files: an essay's text, a detector's scores. reAPI does not
/// document the text tools' output fields, so every scalar that is not a URL is shown, named by its path.
/// </summary>
public static class OutputText
{
    public static IReadOnlyList<(string Name, string Value)> Values(string? outputJson)
    {
        if (string.IsNullOrEmpty(outputJson))
        {
            return [];
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(outputJson);
        }
        catch (JsonException)
        {
            return [];
        }

        var values = new List<(string, string)>();
        Collect(root, "", values);
        return values;
    }

    private static void Collect(JsonNode? node, string path, List<(string, string)> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (key != "tracks")
                    {
                        Collect(child, path.Length == 0 ? key : $"{path}.{key}", values);
                    }
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    values.Add((path, text));
                }

                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                values.Add((path, Convert.ToString(value.ToJsonString(), CultureInfo.InvariantCulture)));
                break;
        }
    }
}
