using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.Chat;
using ReApiWeb.Data;
using ReApiWeb.Features.Api;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Chat;

/// <summary>
/// OpenAI's chat routes under <c>/v1</c>, authenticated by a member's personal access token: an OpenAI SDK works by
/// changing only its base URL (<c>https://dashboard.example/v1</c>) and key. Replies are held, charged and released on
/// the member's ledger like the chat page's; the team's key never leaves the server. Errors use OpenAI's envelope.
/// </summary>
public static class OpenAiCompatibleApi
{
    public const string Prefix = "/v1";

    public static IEndpointRouteBuilder MapOpenAiCompatibleApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).RequireAuthorization(AuthPolicies.PersonalToken).RequireRateLimiting(ApiRateLimit.PolicyName)
            .DisableAntiforgery().WithTags("OpenAI-compatible API");
        api.MapPost("/chat/completions", CompleteAsync);
        api.MapGet("/models", Models);
        api.MapGet("/models/{**id}", (string id) => ChatModels.Find(id) is { } model
            ? Results.Json(ModelJson(model))
            : Error(new ChatProblem(404, "invalid_request_error", "model_not_found", $"The model '{Api.ReApiCompatibleApi.Shorten(id)}' does not exist.", "model")));
        api.MapFallback("{**path}", (HttpContext context) =>
            Error(new ChatProblem(404, "invalid_request_error", "unknown_url", $"No such endpoint: {context.Request.Method} {Api.ReApiCompatibleApi.Shorten(context.Request.Path.Value ?? "")}")));
        return endpoints;
    }

    /// <summary>Under <c>/v1</c>, a bare status (a missing or refused token, a throttled caller) is answered in OpenAI's envelope.</summary>
    public static IApplicationBuilder UseOpenAiStatusCodes(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Prefix),
            branch => branch.UseStatusCodePages(async page =>
            {
                var status = page.HttpContext.Response.StatusCode;
                var problem = status switch
                {
                    401 => new ChatProblem(401, "invalid_request_error", "invalid_api_key", "A personal access token is required: send 'Authorization: Bearer <token>' (make one under Settings → Tokens)."),
                    403 => new ChatProblem(403, "permission_error", "forbidden", "This token may not do that."),
                    429 => new ChatProblem(429, "rate_limit_error", "rate_limit_exceeded", "Too many requests from this person; slow down."),
                    405 => new ChatProblem(405, "invalid_request_error", "method_not_allowed", $"{page.HttpContext.Request.Method} is not allowed here."),
                    _ => new ChatProblem(status, "invalid_request_error", "error", $"HTTP {status}"),
                };
                await Error(problem).ExecuteAsync(page.HttpContext);
            }));

    private static IResult Models() => Results.Json(new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. ChatModels.All.Select(m => (JsonNode)ModelJson(m))]),
    });

    private static JsonObject ModelJson(ChatModelSpec model) => new()
    {
        ["id"] = model.Id,
        ["object"] = "model",
        ["created"] = 0,
        ["owned_by"] = model.Vendor.ToLowerInvariant(),
    };

    private static async Task CompleteAsync(HttpContext context, ChatGateway gateway, IOptions<ApiOptions> options)
    {
        var user = CurrentUser.From(context.User)!;
        var (body, invalid) = await JsonBody.ReadObjectAsync(context, options.Value.MaxRequestBodyBytes);
        if (body is null)
        {
            await Error(new ChatProblem(invalid!.Status, "invalid_request_error", invalid.Status == 413 ? "request_too_large" : "invalid_json", invalid.Message)).ExecuteAsync(context);
            return;
        }

        var start = await gateway.StartAsync(user.Id, body, ChatSource.Api, null, context.RequestAborted);
        if (start.Run is not { } run)
        {
            await Error(start.Problem!).ExecuteAsync(context);
            return;
        }

        await using (run)
        {
            if (!run.Request.Stream)
            {
                try
                {
                    var completion = await run.CompleteAsync(context.RequestAborted);
                    await Results.Json(completion).ExecuteAsync(context);
                }
                catch (ReApiException e)
                {
                    await Error(ChatGateway.ProblemOf(e)).ExecuteAsync(context);
                }

                return;
            }

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            var ended = false;
            try
            {
                await foreach (var chunk in run.ReadAsync(context.RequestAborted))
                {
                    if (chunk.UsageOnly && !run.Request.ClientWantsUsage)
                    {
                        continue;
                    }

                    if (chunk.Error is not null)
                    {
                        chunk.Json["error"] = new JsonObject { ["message"] = chunk.Error, ["type"] = "api_error", ["code"] = "upstream_error" };
                    }

                    await WriteAsync(context, chunk.Json.ToJsonString());
                }

                ended = true;
            }
            catch (ReApiException e)
            {
                // Broke off mid-stream: the client hears why in the stream (its headers are long sent).
                await WriteAsync(context, new JsonObject { ["error"] = ErrorJson(ChatGateway.ProblemOf(e)) }.ToJsonString());
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away: the reply was settled as stopped
            }

            if (ended || !context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
            }
        }
    }

    private static async Task WriteAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public static IResult Error(ChatProblem problem) => new ErrorResult(problem);

    public static JsonObject ErrorJson(ChatProblem problem) => new()
    {
        ["message"] = problem.Message,
        ["type"] = problem.Type,
        ["param"] = problem.Param,
        ["code"] = problem.Code,
    };

    private sealed class ErrorResult(ChatProblem problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = problem.Status;
            if (problem.RetryAfter is { } retryAfter)
            {
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(new JsonObject { ["error"] = ErrorJson(problem) });
        }
    }
}
