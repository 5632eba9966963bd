using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using ReApi.Client;

namespace ReApiWeb.Features.Api;

/// <summary>Errors of the reAPI-compatible API, in reAPI's envelope, so existing clients parse them unchanged.</summary>
public static class ApiErrors
{
    /// <summary>The body is not one JSON object (reAPI's 2xxxx validation family, as are the next ones).</summary>
    public const int InvalidBody = 20001;

    public const int MissingParameter = 20002;

    public const int InvalidParameter = 20003;

    public const int UnknownModel = 20004;

    public const int UnknownParameter = 20005;

    public const int BodyTooLarge = 20006;

    /// <summary>An Idempotency-Key used before for a different request.</summary>
    public const int IdempotencyConflict = 20007;

    /// <summary>reAPI's code for its per-user rate limit.</summary>
    public const int RateLimited = 50001;

    /// <summary>The server could not store the request (its disk is full); nothing was charged.</summary>
    public const int StorageFull = 60097;

    /// <summary>No reAPI account can take the person's jobs now (none serves their groups, or none is active and tested); nothing was charged.</summary>
    public const int NoAccount = 60098;

    public const int NoSuchRoute = 40400;

    public const int TaskNotFound = 40401;

    public const int MethodNotAllowed = 40500;

    public static Task Write(HttpContext context, int status, int code, string message, TimeSpan? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return context.Response.WriteAsJsonAsync(ReApiErrorEnvelope.Create(code, message, "req_" + context.TraceIdentifier));
    }

    public static IResult Result(int status, int code, string message, TimeSpan? retryAfter = null) =>
        new ErrorResult(status, code, message, retryAfter);

    /// <summary>A bare status under <c>/api</c> (no such route, wrong method, a body the server refused) in the envelope.</summary>
    public static Task StatusCodePageAsync(StatusCodeContext page)
    {
        var context = page.HttpContext;
        var request = context.Request;
        var (code, message) = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => (NoSuchRoute, $"No such endpoint: {request.Method} {request.Path}"),
            StatusCodes.Status405MethodNotAllowed => (MethodNotAllowed, $"{request.Method} is not allowed on {request.Path}"),
            StatusCodes.Status413PayloadTooLarge => (BodyTooLarge, "Request body is too large"),
            StatusCodes.Status401Unauthorized => (10001, "Missing Authorization header"),
            >= 500 => (60099, "Unexpected server error"),
            _ => (InvalidBody, "Bad request"),
        };
        return Write(context, context.Response.StatusCode, code, message);
    }

    private sealed record ErrorResult(int Status, int Code, string Message, TimeSpan? RetryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, Status, Code, Message, RetryAfter);
    }
}
