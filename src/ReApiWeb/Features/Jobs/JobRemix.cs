using System.Text.Json.Nodes;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Makes new requests from an earlier job: its stored request is read back into parameters, so a retry or a remix is
/// always a new job with a new submission key (and a new POST), never the old POST sent again.
/// </summary>
public static class JobRemix
{
    /// <summary>The parameters of a stored request body, without its <c>model</c>.</summary>
    public static JsonObject Parameters(string requestJson)
    {
        var parameters = JsonNode.Parse(requestJson) as JsonObject ?? [];
        parameters.Remove("model");
        return parameters;
    }

    /// <summary>The same request again, as a new job made from <paramref name="job"/>.</summary>
    public static JobRequest Retry(JobView job) =>
        new(job.Summary.ModelId, Parameters(job.RequestJson), Guid.NewGuid(), job.Summary.Id);
}
