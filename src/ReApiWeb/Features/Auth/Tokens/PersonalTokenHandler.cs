using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ReApiWeb.Features.Api;

namespace ReApiWeb.Features.Auth.Tokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer rwp_…</c> on the reAPI-compatible API, and answers failures the way reAPI
/// does: 401 with the error envelope (OpenAI's under <c>/v1</c>) and codes 10001 (no header), 10002 (not Bearer), 10003 (unknown), 10004 (revoked).
/// </summary>
public sealed class PersonalTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PersonalTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalToken";
    private const string RejectionItem = "ReApiWeb.TokenRejection";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
        {
            // Browsers' WebSocket API cannot set headers, so SignalR clients send the token in the query string.
            header = "Bearer " + queryToken;
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            // No credentials is not a failure of this scheme (a browser may be using its cookie); the challenge says 10001.
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header.Length <= "Bearer ".Length)
        {
            return Reject(10002, "Authorization header must be 'Bearer <token>'");
        }

        var (principal, rejection) = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), SchemeName, Context.RequestAborted);
        return principal is not null
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName))
            : rejection == TokenRejection.Revoked
                ? Reject(10004, "Token revoked or expired")
                : Reject(10003, "Token invalid");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, message) = Context.Items[RejectionItem] as (int, string)? ?? (10001, "Missing Authorization header");
        return OpenAi
            ? Chat.OpenAiCompatibleApi.Error(new Chat.ChatProblem(401, "invalid_request_error", "invalid_api_key",
                $"{message}: send a personal access token as 'Authorization: Bearer <token>' (make one under Settings → Tokens).")).ExecuteAsync(Context)
            : ApiErrors.Write(Context, StatusCodes.Status401Unauthorized, code, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        OpenAi
            ? Chat.OpenAiCompatibleApi.Error(new Chat.ChatProblem(403, "permission_error", "forbidden", "This token may not do that.")).ExecuteAsync(Context)
            : ApiErrors.Write(Context, StatusCodes.Status403Forbidden, 10005, "This token may not do that");

    /// <summary>Under the OpenAI-compatible routes the refusal is in OpenAI's envelope, elsewhere in reAPI's.</summary>
    private bool OpenAi => Context.Request.Path.StartsWithSegments(Chat.OpenAiCompatibleApi.Prefix);

    private AuthenticateResult Reject(int code, string message)
    {
        Context.Items[RejectionItem] = (code, message);
        return AuthenticateResult.Fail(message);
    }
}
