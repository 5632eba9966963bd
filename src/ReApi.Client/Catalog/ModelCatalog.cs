using System.Collections.Frozen;

namespace ReApi.Client.Catalog;

/// <summary>The one list of models the dashboard offers and validates against.</summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelSpec> _byId;

    public ModelCatalog(IEnumerable<ModelSpec> models)
    {
        Models = models.ToArray();
        _byId = Models.ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);
    }

    public static ModelCatalog Default { get; } = new([.. ImageModels.All(), .. VideoModels.All(), .. AudioModels.All(), .. TextModels.All()]);

    public IReadOnlyList<ModelSpec> Models { get; }

    /// <summary>
    /// The model an earlier output of <paramref name="kind"/> most likely feeds: an image becomes a video's first frame,
    /// a video goes to a tool that needs just a video (the upscaler), a song to one that needs just audio (the stem
    /// separator). Models that need no other media come first, then those where this input is required and single.
    /// </summary>
    public ModelSpec? PreferredFor(MediaKind kind) => Models
        .Where(m => m.InputFieldFor(kind) is not null && (kind != MediaKind.Image || m.Output == OutputKind.Video))
        .OrderBy(m => m.Fields.Count(f => f.Required && f.Accepts is { } other && other != kind))
        .ThenByDescending(m => m.InputFieldFor(kind)!.Required)
        .ThenByDescending(m => m.InputFieldFor(kind) is { Type: FieldType.Url } or { MaxItems: 1 })
        .FirstOrDefault();

    public ModelSpec? Find(string? id) => id is not null && _byId.TryGetValue(id, out var model) ? model : null;
}
