using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Api;

/// <summary>
/// reAPI's own rule, per person: at most <see cref="ApiOptions.RequestsPerSecondPerPerson"/> requests in each second,
/// whatever tokens they use; past it, 429 with code 50001 and <c>Retry-After</c>. One member's script cannot take the
/// whole team's share of the account's budget.
/// </summary>
public sealed class ApiRateLimit(IOptions<ApiOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "api-per-person";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (rejected, _) =>
    {
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        await ApiErrors.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests, ApiErrors.RateLimited,
            $"Per-user rate limit exceeded ({options.Value.RequestsPerSecondPerPerson} requests per second)", wait);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(
            httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous:" + httpContext.Connection.RemoteIpAddress,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.Value.RequestsPerSecondPerPerson, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 });
}
