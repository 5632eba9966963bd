using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Api;

/// <summary>
/// reAPI's own routes under <c>/api/v1</c>, with reAPI's request and response shapes and error envelope, authenticated by
/// a member's personal access token: a reAPI client works by changing only its base URL and key. Jobs made here are the
/// member's jobs, validated and submitted exactly as from the form; <c>/tasks/{id}</c> answers from the app's database.
/// </summary>
public static class ReApiCompatibleApi
{
    public const string Prefix = "/api/v1";

    /// <summary>402 for a job an allowance refused (reAPI uses 402 for too few credits; this code is the dashboard's own).</summary>
    public const int QuotaExceededCode = 30002;

    public static IEndpointRouteBuilder MapReApiCompatibleApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).RequireAuthorization(AuthPolicies.PersonalToken).RequireRateLimiting(ApiRateLimit.PolicyName)
            .DisableAntiforgery().WithTags("reAPI-compatible API");
        foreach (var endpoint in Enum.GetValues<ReApiEndpoint>())
        {
            api.MapPost("/" + endpoint.Path(), (HttpContext context, JobSubmitter submitter, ModelCatalog catalog, IJobReader reader, IOptions<ApiOptions> options) =>
                SubmitAsync(context, endpoint, submitter, catalog, reader, options.Value));
        }

        api.MapGet("/tasks/{id}", GetTaskAsync);
        api.MapGet("/balance", BalanceAsync);

        // Wrong methods and unknown routes answer in the envelope too (routing alone would give a bare 404 or 405).
        foreach (var endpoint in Enum.GetValues<ReApiEndpoint>())
        {
            MapMethodNotAllowed(api, "/" + endpoint.Path(), HttpMethods.Post);
        }

        MapMethodNotAllowed(api, "/tasks/{id}", HttpMethods.Get);
        MapMethodNotAllowed(api, "/balance", HttpMethods.Get);
        api.MapFallback("{**path}", (HttpContext context) =>
            ApiErrors.Result(404, ApiErrors.NoSuchRoute, $"No such endpoint: {context.Request.Method} {Shorten(context.Request.Path.Value ?? "")}"));
        return endpoints;
    }

    private static void MapMethodNotAllowed(RouteGroupBuilder api, string pattern, string allowed) =>
        api.MapMethods(pattern, [.. new[] { HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete }.Where(m => m != allowed)], (HttpContext context) =>
        {
            context.Response.Headers.Allow = allowed == HttpMethods.Get ? "GET, HEAD" : allowed;
            return ApiErrors.Result(405, ApiErrors.MethodNotAllowed, $"{context.Request.Method} is not allowed here; use {allowed}");
        });

    private static async Task<IResult> SubmitAsync(HttpContext context, ReApiEndpoint endpoint, JobSubmitter submitter, ModelCatalog catalog, IJobReader reader, ApiOptions options)
    {
        var user = CurrentUser.From(context.User)!;
        var (body, invalid) = await JsonBody.ReadObjectAsync(context, options.MaxRequestBodyBytes);
        if (body is null)
        {
            return invalid!.ToReApiResult();
        }

        var modelId = body["model"] is JsonValue v && v.TryGetValue(out string? id) ? id : null;
        if (string.IsNullOrEmpty(modelId))
        {
            return ApiErrors.Result(400, ApiErrors.MissingParameter, "Missing required parameter: model");
        }

        if (catalog.Find(modelId) is not { } model || model.Endpoint != endpoint)
        {
            return ApiErrors.Result(400, ApiErrors.UnknownModel, $"Unknown model '{Shorten(modelId)}' for /{endpoint.Path()}");
        }

        var parameters = (JsonObject)body.DeepClone();
        parameters.Remove("model");
        var result = await submitter.SubmitAsync(user.Id, new JobRequest(model.Id, parameters, SubmissionKey(context)), context.RequestAborted);
        if (result.Problems.FirstOrDefault() is { } problem)
        {
            return problem.Kind switch
            {
                ProblemKind.Missing => ApiErrors.Result(400, ApiErrors.MissingParameter, $"Missing required parameter: {Shorten(problem.Field)}"),
                ProblemKind.Unknown => ApiErrors.Result(400, ApiErrors.UnknownParameter, $"Unknown parameter: {Shorten(problem.Field)}"),
                _ => ApiErrors.Result(400, ApiErrors.InvalidParameter, $"Invalid parameter {Shorten(problem.Field)}: {problem.Message}"),
            };
        }

        if (result.Unavailable is { } unavailable)
        {
            return result.UnavailableStatus == StatusCodes.Status503ServiceUnavailable
                ? ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, ApiErrors.NoAccount, unavailable)
                : ApiErrors.Result(StatusCodes.Status507InsufficientStorage, ApiErrors.StorageFull, unavailable);
        }

        if (result.Conflict is { } conflict)
        {
            return ApiErrors.Result(409, ApiErrors.IdempotencyConflict, conflict);
        }

        if (result.ModelRefusal is { } notAllowed)
        {
            return ApiErrors.Result(403, 10005, notAllowed);
        }

        if (result.QuotaRefusal is { } refusal)
        {
            return ApiErrors.Result(402, QuotaExceededCode, refusal);
        }

        if (result.Status is JobStatus.Rejected or JobStatus.Unconfirmed && result.UpstreamError is { } upstream)
        {
            return UpstreamFailure(upstream, $"{result.Error} (job {TaskId(result.JobId!.Value)})");
        }

        var view = await reader.GetAsync(user, result.JobId!.Value, context.RequestAborted);
        return Results.Json(TaskJson(view!, BaseUrl(context)));
    }

    /// <summary>
    /// What this person may still spend: the tightest of their allowances, never more than the team's reAPI balance.
    /// Without an allowance it is the team's balance, as reAPI would answer.
    /// </summary>
    private static async Task<IResult> BalanceAsync(HttpContext context, CreditBalances credits, UpstreamBalance balance, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(context.User)!;
        var available = (await credits.ForUserAsync(user.Id, cancellationToken)).Available;
        try
        {
            if (await balance.ForPersonAsync(user.Id, cancellationToken) is not { } team)
            {
                return available is { } limit
                    ? Results.Json(new JsonObject { ["balance"] = 0L })
                    : ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, ApiErrors.NoAccount, "No reAPI account can take your jobs right now. Tell an admin.");
            }

            return Results.Json(new JsonObject { ["balance"] = available is { } mine ? Math.Min(mine, team) : team });
        }
        catch (ReApiException) when (available is { } mine)
        {
            return Results.Json(new JsonObject { ["balance"] = mine });
        }
        catch (ReApiException e)
        {
            return UpstreamFailure(e, e.Message);
        }
    }

    private static async Task<IResult> GetTaskAsync(string id, HttpContext context, IJobReader reader)
    {
        var user = CurrentUser.From(context.User)!;
        var view = TryParseTaskId(id, out var jobId) ? await reader.GetAsync(user, jobId, context.RequestAborted) : null;

        // As on reAPI, a task is its owner's: a teammate's shared job is for the pages, not for scripts.
        return view is null || !user.CanSee(view.Summary.OwnerId) ? ApiErrors.Result(404, ApiErrors.TaskNotFound, "Task not found") : Results.Json(TaskJson(view, BaseUrl(context)));
    }

    /// <summary>
    /// The task shape reAPI returns, with outputs pointing at the app's archived copies once they exist. A job whose
    /// POST may or may not have reached reAPI (Unconfirmed) is still "processing", with a <c>message</c> saying why:
    /// reporting it failed would make scripts submit again and pay twice.
    /// </summary>
    public static JsonObject TaskJson(JobView view, string baseUrl)
    {
        var job = view.Summary;
        var status = job.Status switch
        {
            JobStatus.Completed => "completed",
            JobStatus.Failed or JobStatus.Rejected or JobStatus.Cancelled => "failed",
            _ => "processing",
        };
        var task = new JsonObject
        {
            ["id"] = TaskId(job.Id),
            ["model"] = job.ModelId,
            ["status"] = status,
            ["created_at"] = job.CreatedAt.ToUnixTimeSeconds(),
            ["output"] = job.Status == JobStatus.Completed ? Output(view, baseUrl) : null,
            ["error"] = status == "failed"
                ? new JsonObject { ["code"] = view.ErrorCode ?? 60098, ["message"] = job.ErrorMessage ?? "The job did not run." }
                : null,
        };
        if (job.Status == JobStatus.Unconfirmed)
        {
            task["message"] = "It is unknown whether reAPI received this job; an admin is checking. Do not submit it again: "
                + "this task will complete, or fail and be refunded, once that is settled.";
        }

        return task;
    }

    public static string TaskId(Guid jobId) => "task_" + jobId.ToString("N");

    public static bool TryParseTaskId(string id, out Guid jobId)
    {
        jobId = Guid.Empty;
        return id.StartsWith("task_", StringComparison.Ordinal) && Guid.TryParseExact(id["task_".Length..], "N", out jobId);
    }

    private static JsonNode? Output(JobView view, string baseUrl)
    {
        if (view.OutputJson is null || JsonNode.Parse(view.OutputJson) is not JsonObject output)
        {
            return null;
        }

        var archived = view.Outputs.Where(o => o.Archived).GroupBy(o => o.UpstreamUrl).ToDictionary(g => g.Key, g => baseUrl + g.First().Url);
        Rewrite(output, archived);
        return output;
    }

    /// <summary>Replaces every upstream URL that has an archived copy, wherever it sits in the output.</summary>
    private static void Rewrite(JsonNode node, Dictionary<string, string> archived)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue value && value.TryGetValue(out string? text) && archived.TryGetValue(text, out var local))
                    {
                        obj[key] = local;
                    }
                    else if (obj[key] is { } child)
                    {
                        Rewrite(child, archived);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue(out string? text) && archived.TryGetValue(text, out var local))
                    {
                        array[i] = local;
                    }
                    else if (array[i] is { } child)
                    {
                        Rewrite(child, archived);
                    }
                }

                break;
        }
    }

    /// <summary>reAPI ignores Idempotency-Key; this API honours it: the same key from the same member never makes a second job.</summary>
    private static Guid SubmissionKey(HttpContext context)
    {
        var header = context.Request.Headers["Idempotency-Key"].ToString();
        return string.IsNullOrWhiteSpace(header) ? Guid.NewGuid() : new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(header))[..16]);
    }

    private static IResult UpstreamFailure(ReApiException e, string message) => e.Kind switch
    {
        ReApiErrorKind.Validation => ApiErrors.Result(400, e.Code ?? 20003, message),
        ReApiErrorKind.InsufficientCredits => ApiErrors.Result(402, e.Code ?? 30001, message),
        ReApiErrorKind.RateLimited => ApiErrors.Result(429, 50001, message, e.RetryAfter),
        _ => ApiErrors.Result(502, e.Code ?? 60099, message),
    };

    /// <summary>What a client sent, echoed in a message, but not without bound.</summary>
    /// <summary>A client's text quoted back in an error, cut at 100 characters.</summary>
    internal static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
}
