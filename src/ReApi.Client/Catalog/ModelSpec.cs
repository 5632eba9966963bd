namespace ReApi.Client.Catalog;

/// <summary>Everything the dashboard and the sandbox know about one reAPI model.</summary>
public sealed record ModelSpec(
    string Id,
    string DisplayName,
    string Family,
    ReApiEndpoint Endpoint,
    OutputKind Output,
    IReadOnlyList<FieldSpec> Fields)
{
    public IReadOnlyList<CrossFieldRule> Rules { get; init; } = [];

    public string? Description { get; init; }

    /// <summary>How long a task of this model usually runs upstream; a first guess before history is learned.</summary>
    public TimeSpan TypicalDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A small request (without <c>model</c>) this model accepts: shown to people and checked by the tests.</summary>
    public System.Text.Json.Nodes.JsonObject Example { get; init; } = new() { ["prompt"] = "a lighthouse on a cliff at dawn" };

    public const int MaxDurationClassLength = 200;

    /// <summary>Fields that change how long a task runs: video or audio seconds, resolution and size, how many outputs, quality tiers.</summary>
    private static readonly HashSet<string> DurationFields = new(StringComparer.Ordinal) { "duration", "length", "n", "resolution", "size", "image_size", "quality", "mode" };

    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// The values of <paramref name="body"/> (or their defaults) that drive how long its task runs, e.g.
    /// <c>duration=10;resolution=1080p</c>: jobs with the same class have one duration distribution ("" when the
    /// model has no such field).
    /// </summary>
    public string DurationClass(System.Text.Json.Nodes.JsonObject body)
    {
        var parts = Fields
            .Where(f => DurationFields.Contains(f.Name))
            .Select(f => (f.Name, Value: body[f.Name] ?? f.Default))
            .Where(p => p.Value is System.Text.Json.Nodes.JsonValue)
            .Select(p => $"{p.Name}={p.Value}");
        var text = string.Join(';', parts);
        return text.Length <= MaxDurationClassLength ? text : text[..MaxDurationClassLength];
    }

    /// <summary>The field that holds the job's main text: the prompt, or a text tool's required text input (topic, content, text).</summary>
    public FieldSpec? MainField => Field("prompt") ?? Fields.FirstOrDefault(f => f.Type == FieldType.Text && f.Required);

    /// <summary>The field an input of <paramref name="kind"/> goes into: a required one first, else the first that takes it.</summary>
    public FieldSpec? InputFieldFor(MediaKind kind) =>
        Fields.Where(f => f.Accepts == kind).OrderByDescending(f => f.Required).FirstOrDefault();
}
