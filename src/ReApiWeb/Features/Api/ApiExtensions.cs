namespace ReApiWeb.Features.Api;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .Validate(o => o.MaxRequestBodyBytes is >= 64 * 1024 and <= 64 * 1024 * 1024, "Api:MaxRequestBodyBytes must be between 65536 (64 KiB) and 67108864 (64 MiB).")
            .Validate(o => o.RequestsPerSecondPerPerson is >= 1 and <= 1000, "Api:RequestsPerSecondPerPerson must be between 1 and 1000.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, ApiRateLimit>(ApiRateLimit.PolicyName));
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        return builder;
    }

    /// <summary>Bare statuses under <c>/api</c> (no such route, wrong method) are answered in reAPI's envelope.</summary>
    public static IApplicationBuilder UseApiStatusCodes(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/api"),
            branch => branch.UseStatusCodePages(ApiErrors.StatusCodePageAsync));
}

/// <summary>
/// An exception under <c>/api</c> is answered in reAPI's envelope (under <c>/v1</c> in OpenAI's), never with a page or a stack trace: a request the
/// server could not read (<see cref="BadHttpRequestException"/>, e.g. a body past Kestrel's limit) with its own 4xx
/// status, anything else as 500 / 60099 (and logged by the exception handler middleware).
/// </summary>
public sealed class ApiExceptionHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var openAi = httpContext.Request.Path.StartsWithSegments(Chat.OpenAiCompatibleApi.Prefix);
        if (!(httpContext.Request.Path.StartsWithSegments("/api") || openAi) || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (status, code, message) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiErrors.BodyTooLarge : ApiErrors.InvalidBody, "The request could not be read."),
            _ when Data.StorageErrors.IsDiskFull(exception) => (StatusCodes.Status507InsufficientStorage, ApiErrors.StorageFull, $"{Data.StorageErrors.DiskFullMessage} Try again later."),
            _ => (StatusCodes.Status500InternalServerError, 60099, "Unexpected server error"),
        };
        if (openAi)
        {
            await Chat.OpenAiCompatibleApi.Error(new Chat.ChatProblem(status, status == 500 ? "server_error" : "invalid_request_error", code.ToString(System.Globalization.CultureInfo.InvariantCulture), message)).ExecuteAsync(httpContext);
            return true;
        }

        await ApiErrors.Write(httpContext, status, code, message);
        return true;
    }
}
