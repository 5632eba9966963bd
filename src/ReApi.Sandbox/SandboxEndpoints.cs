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

    /// <summary>
    /// Serves reAPI's task API under <paramref name="prefix"/> (e.g. <c>/sandbox/api/v1</c>), its media under
    /// <c>{prefix}/media</c> and its chat host beside it (<see cref="SandboxChatEndpoints.ChatPrefix"/>).
    /// </summary>
    public static RouteGroupBuilder MapReApiSandbox(this IEndpointRouteBuilder endpoints, string prefix)
    {
        endpoints.MapReApiChatSandbox(SandboxChatEndpoints.ChatPrefix(prefix));
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        foreach (var endpoint in Enum.GetValues<ReApiEndpoint>())
        {
            group.MapPost("/" + endpoint.Path(), (HttpContext context, SandboxState state, SandboxOptions options) => SubmitAsync(context, state, options, endpoint));
        }

        group.MapGet("/tasks/{id}", (HttpContext context, SandboxState state, SandboxOptions options, string id) =>
            Guarded(context, state, () =>
            {
                if (state.Chance(options.Faults.PollResetRate))
                {
                    context.Abort();
                    return Results.Empty;
                }

                if (state.Chance(options.Faults.PollServerErrorRate))
                {
                    return Error(new SandboxError(500, 60099, "Unexpected server error"));
                }

                var task = state.Find(id, Key(context));
                var answer = task is null ? Error(SandboxError.TaskNotFound) : Results.Json(TaskJson(task, MediaBase(context, prefix)));
                return state.Chance(options.Faults.PollSlowRate) ? new LateResult(options.Faults.SlowAnswerDelay, answer) : answer;
            }));
        group.MapGet("/balance", (HttpContext context, SandboxState state) =>
            Guarded(context, state, () => Results.Json(new JsonObject { ["balance"] = state.BalanceOf(Key(context)) })));
        group.MapGet("/media/tasks/{hex}/{file}", (SandboxState state, string hex, string file) =>
        {
            var task = state.Find("task_" + hex);
            return task is null || task.Status != ReApiTaskStatus.Completed || !TryParseIndex(file, out var index)
                ? Results.NotFound()
                : Media(task, index, Path.GetExtension(file));
        });
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, SandboxState state, SandboxOptions options, ReApiEndpoint endpoint)
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
            if (error is null && (state.TakeForcedReset() || state.Chance(options.Faults.SubmitResetAfterCreateRate)))
            {
                // The task exists and is charged, but the client never hears of it.
                context.Abort();
                return Results.Empty;
            }

            if (error is not null)
            {
                return Error(error);
            }

            var answer = Results.Json(new JsonObject
            {
                ["id"] = task!.Id,
                ["model"] = task.Model.Id,
                ["status"] = "processing",
                ["created_at"] = task.CreatedAt.ToUnixTimeSeconds(),
                ["output"] = null,
                ["error"] = null,
            });
            return state.Chance(options.Faults.SubmitSlowRate) ? new LateResult(options.Faults.SlowAnswerDelay, answer) : answer;
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
        return state.TakeRequestSlot(key) is { } limited ? Error(limited) : handle();
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
        ["output"] = task.Status == ReApiTaskStatus.Completed ? SandboxOutputs.For(task, mediaBase) : null,
        ["error"] = task.Status == ReApiTaskStatus.Failed && task.PlannedFailure is { } failure
            ? new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message }
            : null,
    };

    /// <summary>The file behind an output URL: PNG images (and video last frames), the sandbox clip, generated WAV tracks.</summary>
    private static IResult Media(SandboxTask task, int index, string extension) => (task.Model.Output, extension) switch
    {
        (OutputKind.Image, ".png") when index < SandboxOutputs.ImageCount(task) => Results.File(SandboxMedia.RenderImage(task, index), "image/png"),
        (OutputKind.Video, ".png") when index == 0 => Results.File(SandboxMedia.RenderImage(task, index), "image/png"),
        (OutputKind.Video, ".mp4") when index == 0 => Results.File(SandboxMedia.Clip(), "video/mp4", enableRangeProcessing: true),
        (OutputKind.Audio, ".wav") when index < SandboxOutputs.AudioTracks(task).Count => Results.File(SandboxAudio.RenderWav(task, index, TimeSpan.FromSeconds(3)), "audio/wav"),
        _ => Results.NotFound(),
    };

    private static string MediaBase(HttpContext context, string prefix) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{prefix}/media";

    private static bool TryParseIndex(string file, out int index) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file), out index) && index >= 0;

    private static IResult Error(SandboxError error) => new SandboxErrorResult(error, ReApiErrorEnvelope.Create(error.Code, error.Message));

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

    /// <summary>An answer that arrives late (counted when the request came in, like every other): the client's timeout fires first.</summary>
    private sealed class LateResult(TimeSpan delay, IResult answer) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            try
            {
                await Task.Delay(delay, httpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up waiting
            }

            await answer.ExecuteAsync(httpContext);
        }
    }
}
