using System.Text.Json.Nodes;

namespace ReApi.Client;

public enum ReApiTaskStatus
{
    Processing,
    Completed,
    Failed,
}

/// <summary>The <c>error</c> object of a failed task: <c>{"code":80006,"message":"…"}</c>.</summary>
public sealed record ReApiTaskError(int? Code, string Message);

/// <summary>A task as <c>GET /tasks/{id}</c> returns it. <see cref="Output"/> is kept whole so no field is lost.</summary>
public sealed record ReApiTask(
    string Id,
    string? Model,
    ReApiTaskStatus Status,
    DateTimeOffset? CreatedAt,
    JsonObject? Output,
    ReApiTaskError? Error)
{
    public IReadOnlyList<string> ImageUrls => StringArray("image_urls");

    public IReadOnlyList<string> VideoUrls => StringArray("video_urls");

    public IReadOnlyList<string> AudioUrls => StringArray("audio_urls");

    /// <summary>Labels of audio tracks by URL, from <c>tracks[]</c> (<c>label</c>, else <c>type</c>, else <c>title</c>).</summary>
    public IReadOnlyDictionary<string, string> TrackLabels =>
        Output?["tracks"] is JsonArray tracks
            ? tracks.OfType<JsonObject>()
                .Select(t => (Url: Str(t, "url"), Label: Str(t, "label") ?? Str(t, "type") ?? Str(t, "title")))
                .Where(t => t.Url is not null && t.Label is not null)
                .GroupBy(t => t.Url!)
                .ToDictionary(g => g.Key, g => g.First().Label!)
            : new Dictionary<string, string>();

    public string? LastFrameUrl => Output?["last_frame_url"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string? Str(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private string[] StringArray(string name) =>
        Output?[name] is JsonArray array
            ? array.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>().ToArray()
            : [];
}

/// <summary>The answer to a submission: the task id reAPI created (and charged for).</summary>
public sealed record SubmittedTask(string Id, string? Model, DateTimeOffset? CreatedAt);
