using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

public enum FieldType
{
    Text,
    Enum,
    Integer,
    Number,
    Boolean,
    Url,
    UrlList,

    /// <summary>A structured value (object or array) entered as JSON, e.g. <c>image_with_roles</c> or <c>multi_prompt</c>.</summary>
    Json,
}

/// <summary>The JSON kind a <see cref="FieldType.Json"/> field takes.</summary>
public enum JsonShape
{
    Object,
    Array,
}

/// <summary>One request field of a model: its JSON name, type and limits, as the contract gives them.</summary>
public sealed record FieldSpec(string Name, string Label, FieldType Type)
{
    public bool Required { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Allowed values of an <see cref="FieldType.Enum"/> field, exactly as reAPI spells them.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Most items a <see cref="FieldType.UrlList"/> or a <see cref="JsonShape.Array"/> field takes.</summary>
    public int? MaxItems { get; init; }

    /// <summary>Fewest items a non-empty <see cref="FieldType.UrlList"/> or <see cref="JsonShape.Array"/> field takes.</summary>
    public int? MinItems { get; init; }

    /// <summary>The value reAPI assumes when the field is left out; shown pre-filled in forms.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>A text field that takes paragraphs (prompts, lyrics).</summary>
    public bool Multiline { get; init; }

    public string? Help { get; init; }

    /// <summary>A regular expression a <see cref="FieldType.Text"/> value must match in full (e.g. <c>^#[0-9A-Fa-f]{6}$</c>).</summary>
    public string? Pattern { get; init; }

    /// <summary>For <see cref="FieldType.Url"/> and <see cref="FieldType.UrlList"/>: the kind of media the URL must point at.</summary>
    public MediaKind? Accepts { get; init; }

    /// <summary>For <see cref="FieldType.Json"/>: whether an object or an array is expected.</summary>
    public JsonShape Shape { get; init; } = JsonShape.Object;
}

/// <summary>A rule across fields ("4k needs a wide size"). <see cref="Holds"/> sees the whole request body.</summary>
public sealed record CrossFieldRule(string Field, string Message, Func<JsonObject, bool> Holds);

/// <summary>What a media input field takes, so a form can offer matching earlier outputs and uploads.</summary>
public enum MediaKind
{
    Image,
    Video,
    Audio,
    Subtitles,
}

public enum OutputKind
{
    Image,
    Video,
    Audio,
    Text,
}
