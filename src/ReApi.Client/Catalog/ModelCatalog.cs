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

    public ModelSpec? Find(string? id) => id is not null && _byId.TryGetValue(id, out var model) ? model : null;
}
