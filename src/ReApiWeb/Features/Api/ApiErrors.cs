using System.Globalization;
using ReApi.Client;

namespace ReApiWeb.Features.Api;

/// <summary>Errors of the reAPI-compatible API, in reAPI's envelope, so existing clients parse them unchanged.</summary>
public static class ApiErrors
{
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

    private sealed record ErrorResult(int Status, int Code, string Message, TimeSpan? RetryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, Status, Code, Message, RetryAfter);
    }
}
