using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReApi.Client;
using ReApi.Client.Catalog;

namespace ReApi.Sandbox;

public static class SandboxEndpoints
{
    /// <summary>Registers the sandbox's state. Options come from <paramref name="configure"/> (and the "Sandbox" section when bound by the host).</summary>
    public static IServiceCollection AddReApiSandbox(this IServiceCollection services, Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new SandboxState(options, sp.GetRequiredService<TimeProvider>(), ModelCatalog.Default));
        return services;
    }

    /// <summary>Serves reAPI's task API under <paramref name="prefix"/> (e.g. <c>/sandbox/api/v1</c>) and its media under <c>{prefix}/media</c>.</summary>
    public static RouteGroupBuilder MapReApiSandbox(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        foreach (var endpoint in Enum.GetValues<ReApiEndpoint>())
        {
            group.MapPost("/" + endpoint.Path(), (HttpContext context, SandboxState state) => SubmitAsync(context, state, endpoint));
        }

        group.MapGet("/tasks/{id}", (HttpContext context, SandboxState state, string id) =>
            Guarded(context, state, () =>
            {
                var task = state.Find(id);
                return task is null ? Error(SandboxError.TaskNotFound) : Results.Json(TaskJson(task, MediaBase(context, prefix)));
            }));
        group.MapGet("/balance", (HttpContext context, SandboxState state) =>
            Guarded(context, state, () => Results.Json(new JsonObject { ["balance"] = state.Balance })));
        group.MapGet("/media/tasks/{hex}/{file}", (SandboxState state, string hex, string file) =>
        {
            var task = state.Find("task_" + hex);
            return task is null || task.Status != ReApiTaskStatus.Completed || !TryParseIndex(file, out var index) || index >= task.ImageCount
                ? Results.NotFound()
                : Results.File(SandboxMedia.RenderImage(task, index), "image/png");
        });
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, SandboxState state, ReApiEndpoint endpoint)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        return Guarded(context, state, () =>
        {
            var error = state.Submit(endpoint, body, Key(context), out var task);
            return error is not null
                ? Error(error)
                : Results.Json(new JsonObject
                {
                    ["id"] = task!.Id,
                    ["model"] = task.Model.Id,
                    ["status"] = "processing",
                    ["created_at"] = task.CreatedAt.ToUnixTimeSeconds(),
                    ["output"] = null,
                    ["error"] = null,
                });
        });
    }

    private static IResult Guarded(HttpContext context, SandboxState state, Func<IResult> handle)
    {
        var authError = state.Authenticate(context.Request.Headers.Authorization, out var key);
        if (authError is not null)
        {
            return Error(authError);
        }

        context.Items[nameof(Key)] = key;
        return state.TakeRequestSlot() is { } limited ? Error(limited) : handle();
    }

    private static string Key(HttpContext context) => context.Items[nameof(Key)] as string ?? "";

    private static JsonObject TaskJson(SandboxTask task, string mediaBase) => new()
    {
        ["id"] = task.Id,
        ["model"] = task.Model.Id,
        ["status"] = task.Status switch
        {
            ReApiTaskStatus.Completed => "completed",
            ReApiTaskStatus.Failed => "failed",
            _ => "processing",
        },
        ["created_at"] = task.CreatedAt.ToUnixTimeSeconds(),
        ["output"] = task.Status == ReApiTaskStatus.Completed ? Output(task, mediaBase) : null,
        ["error"] = task.Status == ReApiTaskStatus.Failed && task.PlannedFailure is { } failure
            ? new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message }
            : null,
    };

    private static JsonObject Output(SandboxTask task, string mediaBase) => task.Model.Output switch
    {
        OutputKind.Image => new JsonObject
        {
            ["image_urls"] = new JsonArray([.. Enumerable.Range(0, task.ImageCount).Select(i => (JsonNode)$"{mediaBase}/tasks/{task.Hex}/{i}.png")]),
        },
        _ => throw new NotSupportedException($"The sandbox has no media for {task.Model.Output} models yet."),
    };

    private static string MediaBase(HttpContext context, string prefix) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{prefix}/media";

    private static bool TryParseIndex(string file, out int index) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file), out index) && index >= 0;

    private static IResult Error(SandboxError error)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = error.Code,
                ["message"] = error.Message,
                ["request_id"] = "req_" + Guid.NewGuid().ToString("D"),
            },
        };
        return new SandboxErrorResult(error, body);
    }

    private sealed class SandboxErrorResult(SandboxError error, JsonObject body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = error.HttpStatus;
            if (error.RetryAfter is { } retryAfter)
            {
                httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(body);
        }
    }
}
