namespace ReApiWeb.Features.Api;

/// <summary>Limits of the reAPI-compatible API at <c>/api/v1</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The largest request body accepted; a larger one is answered 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per second one person may make (all their tokens together), like reAPI's per-user limit.</summary>
    public int RequestsPerSecondPerPerson { get; set; } = 10;
}
