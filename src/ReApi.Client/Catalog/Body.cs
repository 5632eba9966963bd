using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Small readers for <see cref="CrossFieldRule"/> bodies: absent, empty or mistyped values read as "not set".</summary>
internal static class Body
{
    public static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>Whether the field carries a value: non-blank text, a non-empty array, an object, a number or a boolean.</summary>
    public static bool Has(JsonObject body, string name) => body[name] switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => !string.IsNullOrWhiteSpace(v.GetValue<string>()),
        _ => true,
    };

    /// <summary>Words in a text field, split on white space (how reAPI's per-word tools count).</summary>
    public static int Words(JsonObject body, string name) =>
        Text(body, name)?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length ?? 0;

    public static int Count(JsonObject body, string name) => body[name] is JsonArray array ? array.Count : 0;

    public static bool IsTrue(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static long? Long(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) ? l : null;

    public static JsonObject? Object(JsonObject body, string name) => body[name] as JsonObject;

    /// <summary>Whether a node is a string holding a public http(s) URL.</summary>
    public static bool IsUrl(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? url) && RequestValidator.IsPublicHttpUrl(url);

    /// <summary>The array's items, or none when the field is absent or not an array.</summary>
    public static IEnumerable<JsonNode?> Items(JsonObject body, string name) =>
        body[name] is JsonArray array ? array : [];
}
