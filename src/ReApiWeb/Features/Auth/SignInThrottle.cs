using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Auth;

/// <summary>
/// Limits password sign-in attempts per network address with ASP.NET Core's rate limiter (a sliding minute), whatever
/// accounts they try; the per-account lockout is <see cref="LocalSignIn"/>'s. A browser over the limit is sent back to
/// the sign-in page, told how long to wait.
/// </summary>
public sealed class SignInThrottle(IOptions<AuthOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "sign-in";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (rejected, _) =>
    {
        var response = rejected.HttpContext.Response;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = $"/login?error=throttled&minutes={Minutes(wait)}";
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetSlidingWindowLimiter(
            httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = options.Value.SignInLimits.AttemptsPerAddressPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            });

    /// <summary>A wait in whole minutes, rounded up, at least one.</summary>
    public static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
}
