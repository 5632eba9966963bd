using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReApiWeb.Features.Jobs;

/// <summary>An unsent form as the browser keeps it: the model and the request parameters typed so far.</summary>
public sealed record FormDraft(string ModelId, JsonObject Parameters)
{
    public static string Serialize(string modelId, JsonObject parameters) =>
        new JsonObject { ["model"] = modelId, ["parameters"] = parameters.DeepClone() }.ToJsonString();

    /// <summary>Reads a stored draft; anything unreadable (an older format, a hand-edited value) is no draft.</summary>
    public static FormDraft? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject { } draft && draft["model"] is JsonValue model && model.TryGetValue(out string? id)
                && draft["parameters"] is JsonObject parameters
                ? new FormDraft(id, (JsonObject)parameters.DeepClone())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
