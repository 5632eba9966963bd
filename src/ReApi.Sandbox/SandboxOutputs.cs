using System.Text.Json.Nodes;
using ReApi.Client.Catalog;

namespace ReApi.Sandbox;

/// <summary>
/// The <c>output</c> object of a completed sandbox task, shaped as CONTRACT §4 documents per kind: <c>image_urls</c>,
/// <c>video_urls</c> (+ <c>last_frame_url</c>), <c>audio_urls</c> (+ <c>tracks</c>). reAPI's text output fields are not
/// documented; the sandbox answers with plainly named fields (<c>text</c>, <c>score</c>), which clients must show raw.
/// </summary>
public static class SandboxOutputs
{
    public static JsonObject For(SandboxTask task, string mediaBase)
    {
        string Url(int index, string extension) => $"{mediaBase}/tasks/{task.Hex}/{index}.{extension}";
        return task.Model.Output switch
        {
            OutputKind.Image => new JsonObject { ["image_urls"] = Urls(ImageCount(task), i => Url(i, "png")) },
            OutputKind.Video => Video(task, Url),
            OutputKind.Audio => Audio(task, Url),
            _ => Text(task),
        };
    }

    /// <summary>How many images a task makes: <c>n</c> when given; Midjourney always makes a grid of 4.</summary>
    public static int ImageCount(SandboxTask task) =>
        task.Model.Id.StartsWith("midjourney", StringComparison.Ordinal) || task.Model.Id.StartsWith("mj-v7", StringComparison.Ordinal)
            ? 4
            : task.Request["n"] is JsonValue v && v.TryGetValue(out int n) && n > 0 ? n : 1;

    /// <summary>The audio files a task makes, with the track label each carries.</summary>
    public static IReadOnlyList<string> AudioTracks(SandboxTask task) => task.Model.Id switch
    {
        "audio-stem-separator" => [Text(task.Request, "stem") ?? "vocals", "instrumental"],
        "audio-multistem" => [.. (task.Request["stem_list"] as JsonArray ?? []).Select(s => s?.ToString() ?? "stem"), "no_multistem"],
        "audio-voice-change" => ["converted_mix"],
        "mureka-v9-song" => [.. Enumerable.Range(1, Count(task.Request, "number_of_songs")).Select(i => $"song {i}")],
        "suno-music" => ["take 1", "take 2"],
        _ => ["audio"],
    };

    private static JsonObject Video(SandboxTask task, Func<int, string, string> url)
    {
        var output = new JsonObject { ["video_urls"] = Urls(1, i => url(i, "mp4")) };
        if (task.Request["return_last_frame"] is JsonValue v && v.TryGetValue(out bool lastFrame) && lastFrame)
        {
            output["last_frame_url"] = url(0, "png");
        }

        return output;
    }

    private static JsonObject Audio(SandboxTask task, Func<int, string, string> url)
    {
        var labels = AudioTracks(task);
        var tracks = new JsonArray();
        for (var i = 0; i < labels.Count; i++)
        {
            tracks.Add(task.Model.Id == "suno-music"
                ? new JsonObject { ["url"] = url(i, "wav"), ["id"] = $"{task.Hex[..8]}-{i}", ["title"] = labels[i], ["duration"] = 3 }
                : new JsonObject { ["type"] = labels[i], ["label"] = labels[i], ["url"] = url(i, "wav") });
        }

        return new JsonObject { ["audio_urls"] = Urls(labels.Count, i => url(i, "wav")), ["tracks"] = tracks };
    }

    private static JsonObject Text(SandboxTask task) => task.Model.Endpoint switch
    {
        ReApi.Client.ReApiEndpoint.Detect => new JsonObject
        {
            ["score"] = Math.Abs(StringComparer.Ordinal.GetHashCode(task.Id)) % 101,
            ["engines"] = new JsonObject { ["gptzero"] = 61, ["copyleaks"] = 48, ["zerogpt"] = 55 },
        },
        ReApi.Client.ReApiEndpoint.Humanize => new JsonObject { ["text"] = $"(sandbox rewrite) {Text(task.Request, "content")}" },
        _ => new JsonObject
        {
            ["text"] = $"Sandbox essay on \"{Text(task.Request, "input")}\".\n\nThis text stands in for the essay reAPI would write. It is here so the dashboard can show, store and export a text result end to end.",
        },
    };

    private static JsonArray Urls(int count, Func<int, string> url) => [.. Enumerable.Range(0, count).Select(i => (JsonNode)url(i))];

    private static string? Text(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static int Count(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue(out int n) && n > 0 ? n : 1;
}
