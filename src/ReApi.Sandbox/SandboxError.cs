namespace ReApi.Sandbox;

/// <summary>
/// An error as reAPI sends it. Codes 10001–10004, 20002, 50001 and 80003/80006 are documented; the 2xxxx codes for
/// invalid values (20003), unknown models (20004) and unknown fields (20005), 30001 for 402 and 40401 for 404 are
/// the sandbox's own choices: reAPI's table for them was not captured (CONTRACT §11).
/// </summary>
public sealed record SandboxError(int HttpStatus, int Code, string Message)
{
    public TimeSpan? RetryAfter { get; init; }

    public static SandboxError MissingAuthorization { get; } = new(401, 10001, "Missing Authorization header");

    public static SandboxError MalformedAuthorization { get; } = new(401, 10002, "Authorization header must be 'Bearer <key>'");

    public static SandboxError InvalidKey { get; } = new(401, 10003, "API key invalid");

    public static SandboxError RevokedKey { get; } = new(401, 10004, "API key revoked");

    public static SandboxError TaskNotFound { get; } = new(404, 40401, "Task not found");

    public static SandboxError RateLimited(TimeSpan retryAfter) => new(429, 50001, "Per-user rate limit exceeded") { RetryAfter = retryAfter };
}
