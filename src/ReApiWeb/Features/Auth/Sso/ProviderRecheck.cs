using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Sessions;

namespace ReApiWeb.Features.Auth.Sso;

/// <summary>
/// Asks the identity provider again whether a signed-in person may still use the app: the session's refresh token is
/// redeemed, and the new ID token's groups and roles go through <see cref="SsoPeople"/> like a sign-in. A provider
/// that refuses the refresh (the person was disabled or removed there) ends the session.
/// </summary>
public sealed partial class ProviderRecheck(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IOptions<AuthOptions> options,
    SessionStore store,
    SsoPeople people,
    Admin.AuditLog audit,
    TimeProvider time,
    ILogger<ProviderRecheck> logger)
{
    public const string Scheme = "oidc";

    /// <summary>False when the provider no longer lets this person in (the session is then deleted).</summary>
    public async Task<bool> RecheckAsync(UserSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Only one request re-checks a session; the others carry on (a rotated refresh token may be redeemed only once).
        var claimed = await db.Sessions.Where(s => s.Id == session.Id && s.ProviderCheckedAt == session.ProviderCheckedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ProviderCheckedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return true;
        }

        var ticket = store.Read(session);
        var refreshToken = ticket?.Properties.GetTokenValue("refresh_token");
        if (ticket is null || string.IsNullOrEmpty(refreshToken))
        {
            LogNoRefreshToken(session.UserId);
            return true;
        }

        var answer = await RedeemAsync(refreshToken, cancellationToken);
        if (answer.Refused is { } refusal)
        {
            LogRefreshRefused(session.UserId, refusal);
            audit.Add(db, new Admin.Actor(session.UserId, ticket.Principal.Identity?.Name ?? "", session.Address), "session.ended",
                $"The identity provider refused to refresh the sign-in ({refusal})");
            await db.SaveChangesAsync(cancellationToken);
            await EndAsync(db, session.Id, cancellationToken);
            return false;
        }

        if (answer.Tokens is not { } tokens)
        {
            // The provider could not be reached: keep the person in rather than sign everyone out; try again next time.
            return true;
        }

        if (tokens.IdToken is { } idToken && SsoIdentity.From(new JsonWebToken(idToken).Claims, options.Value.Oidc) is { } identity)
        {
            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == session.UserId, cancellationToken);
            if (user?.Subject != identity.Subject
                || (await people.ApplyAsync(identity, session.Address, signIn: false, cancellationToken)).User is null)
            {
                await EndAsync(db, session.Id, cancellationToken);
                return false;
            }
        }

        ticket.Properties.UpdateTokenValue("access_token", tokens.AccessToken);
        ticket.Properties.UpdateTokenValue("refresh_token", tokens.RefreshToken ?? refreshToken);
        if (tokens.IdToken is not null)
        {
            ticket.Properties.UpdateTokenValue("id_token", tokens.IdToken);
        }

        await store.RenewAsync(session.Id.ToString(), ticket);
        return true;
    }

    private static async Task EndAsync(AppDbContext db, Guid sessionId, CancellationToken cancellationToken) =>
        await db.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken);

    private async Task<RefreshAnswer> RedeemAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var oidc = oidcOptions.Get(Scheme);
        try
        {
            var configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token",
                    ["refresh_token"] = refreshToken,
                    ["client_id"] = oidc.ClientId!,
                    ["client_secret"] = oidc.ClientSecret ?? "",
                }),
            };
            using var response = await oidc.Backchannel.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && ErrorOf(body) is { } error)
            {
                // invalid_grant: the provider revoked the grant (person disabled, session ended, consent withdrawn).
                // Anything else (invalid_client, invalid_scope) is this app's configuration, not a verdict on the person.
                if (error == "invalid_grant")
                {
                    return new RefreshAnswer(null, error);
                }

                LogRecheckMisconfigured(error);
                return new RefreshAnswer(null, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                LogProviderUnavailable(null, $"HTTP {(int)response.StatusCode}");
                return new RefreshAnswer(null, null);
            }

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return new RefreshAnswer(
                new Tokens(root.GetProperty("access_token").GetString()!, Optional(root, "refresh_token"), Optional(root, "id_token")),
                null);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or KeyNotFoundException or IOException
                                   || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogProviderUnavailable(e, e.GetType().Name);
            return new RefreshAnswer(null, null);
        }
    }

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? ErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return Optional(json.RootElement, "error");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Tokens(string AccessToken, string? RefreshToken, string? IdToken);

    /// <summary>New tokens; or the provider's refusal; or neither (the provider could not be reached).</summary>
    private sealed record RefreshAnswer(Tokens? Tokens, string? Refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider refused to refresh the sign-in of person {UserId} ({Error}); their session is ended")]
    private partial void LogRefreshRefused(Guid userId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider could not be asked about a signed-in person ({Reason}); trying again at the next check")]
    private partial void LogProviderUnavailable(Exception? exception, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The identity provider refused this app's refresh request ({Error}): people cannot be re-checked until the client settings are fixed")]
    private partial void LogRecheckMisconfigured(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The SSO session of person {UserId} has no refresh token, so the provider cannot be asked again; request the offline_access scope")]
    private partial void LogNoRefreshToken(Guid userId);
}
