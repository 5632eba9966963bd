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
    /// a video goes to a tool that needs just a video, a song to one that needs just audio. Stable models with a
    /// published price come first (never a beta channel or a placeholder price when anything else fits); then models
    /// that need no other media, then those where this input is required and single.
    /// </summary>
    public ModelSpec? PreferredFor(MediaKind kind) => Models
        .Where(m => m.InputFieldFor(kind) is not null && (kind != MediaKind.Image || m.Output == OutputKind.Video))
        .OrderBy(m => IsBeta(m))
        .ThenByDescending(m => Pricing.PriceList.For(m).Published)
        .ThenBy(m => m.Fields.Count(f => f.Required && f.Accepts is { } other && other != kind))
        .ThenByDescending(m => m.InputFieldFor(kind)!.Required)
        .ThenByDescending(m => m.InputFieldFor(kind) is { Type: FieldType.Url } or { MaxItems: 1 })
        .FirstOrDefault();

    /// <summary>Whether a model is on reAPI's beta channel (its id or name says so).</summary>
    public static bool IsBeta(ModelSpec model) =>
        model.Id.Contains("beta", StringComparison.OrdinalIgnoreCase) || model.DisplayName.Contains("beta", StringComparison.OrdinalIgnoreCase);

    public ModelSpec? Find(string? id) => id is not null && _byId.TryGetValue(id, out var model) ? model : null;
}
