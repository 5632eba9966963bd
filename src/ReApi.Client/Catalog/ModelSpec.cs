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

    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}
