using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReApi.Client.Chat;

namespace ReApi.Sandbox;

/// <summary>reAPI's OpenAI-compatible chat host: <c>POST /chat/completions</c> (whole or streamed) and <c>GET /models</c>.</summary>
public static class SandboxChatEndpoints
{
    /// <summary>The chat host's prefix beside a task prefix: <c>/sandbox/api/v1</c> → <c>/sandbox/v1</c>, as reAPI's <c>api.reapi.ai/v1</c> sits beside <c>reapi.ai/api/v1</c>.</summary>
    public static string ChatPrefix(string taskPrefix) =>
        taskPrefix.EndsWith("/api/v1", StringComparison.Ordinal) ? taskPrefix[..^"/api/v1".Length] + "/v1" : taskPrefix.TrimEnd('/') + "/chat/v1";

    public static RouteGroupBuilder MapReApiChatSandbox(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        group.MapPost("/chat/completions", CompleteAsync);
        group.MapGet("/models", (HttpContext context, SandboxState state) =>
            Authenticated(context, state, out _) ?? Results.Json(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. ChatModels.All.Select(m => (JsonNode)new JsonObject { ["id"] = m.Id, ["object"] = "model", ["owned_by"] = m.Vendor.ToLowerInvariant() })]),
            }));
        return group;
    }

    private static IResult? Authenticated(HttpContext context, SandboxState state, out string key) =>
        state.Authenticate(context.Request.Headers.Authorization, out key) is { } refused ? Error(SandboxChatError.From(refused)) : null;

    private static async Task CompleteAsync(HttpContext context, SandboxState state)
    {
        if (Authenticated(context, state, out var key) is { } refused)
        {
            await refused.ExecuteAsync(context);
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (state.StartChat(body, key, out var plan) is { } error)
        {
            await Error(error).ExecuteAsync(context);
            return;
        }

        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!plan!.Stream)
        {
            await Task.Delay(plan.FirstTokenDelay + plan.TokenDelay * plan.Tokens.Count, context.RequestAborted).ConfigureAwait(false);
            state.SettleChat(plan, plan.Tokens.Count, "completed");
            await Results.Json(new JsonObject
            {
                ["id"] = plan.Id,
                ["object"] = "chat.completion",
                ["created"] = created,
                ["model"] = plan.Model.Id,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(plan.Tokens) },
                    ["finish_reason"] = plan.FinishReason,
                }),
                ["usage"] = Usage(plan.PromptTokens, plan.Tokens.Count),
            }).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var sent = 0;
        var outcome = "completed";
        try
        {
            await Task.Delay(plan.FirstTokenDelay, context.RequestAborted);
            await WriteAsync(context, Chunk(plan, created, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
            foreach (var token in plan.Tokens)
            {
                if (sent == plan.FailAfter)
                {
                    outcome = "failed-mid";
                    await WriteAsync(context, new SandboxChatError(500, "server_error", "upstream_error", "The model's provider stopped in the middle of the reply.").Body());
                    return;
                }

                if (sent > 0)
                {
                    await Task.Delay(plan.TokenDelay, context.RequestAborted);
                }

                await WriteAsync(context, Chunk(plan, created, new JsonObject { ["content"] = token }, null));
                sent++;
            }

            await WriteAsync(context, Chunk(plan, created, new JsonObject(), plan.FinishReason));
            if (plan.IncludeUsage)
            {
                await WriteAsync(context, new JsonObject
                {
                    ["id"] = plan.Id,
                    ["object"] = "chat.completion.chunk",
                    ["created"] = created,
                    ["model"] = plan.Model.Id,
                    ["choices"] = new JsonArray(),
                    ["usage"] = Usage(plan.PromptTokens, sent),
                });
            }

            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away (a person pressed Stop): billed for what was sent.
            outcome = "disconnected";
        }
        finally
        {
            state.SettleChat(plan, sent, outcome);
        }
    }

    private static JsonObject Usage(long prompt, long completion) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
    };

    private static JsonObject Chunk(SandboxChatPlan plan, long created, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = plan.Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = plan.Model.Id,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static async Task WriteAsync(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString() + "\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static IResult Error(SandboxChatError error) => new ChatErrorResult(error);

    private sealed class ChatErrorResult(SandboxChatError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = error.HttpStatus;
            if (error.RetryAfter is { } retryAfter)
            {
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(error.Body());
        }
    }
}
