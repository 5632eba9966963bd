using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ReApiWeb.Features.Auth.Sso;

/// <summary>
/// The OpenID Connect handler, wired the reference way (dotnet/blazor-samples BlazorWebAppOidcBffServer): code flow
/// with PKCE, no inbound claim mapping, tokens kept in the server-side session. The provider's claims are turned into
/// the app's own principal by <see cref="SsoPeople"/> as the sign-in completes.
/// </summary>
public static class SsoExtensions
{
    /// <summary>Where a sign-in that failed or was refused lands; the code picks the message.</summary>
    public const string FailurePath = "/login?error=";

    public static AuthenticationBuilder AddSso(this AuthenticationBuilder authentication, OidcOptions settings) =>
        authentication.AddOpenIdConnect(ProviderRecheck.Scheme, settings.DisplayName, options =>
        {
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.Authority = settings.Authority;
            options.ClientId = settings.ClientId;
            options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;

            // The code comes back in the query of a top-level GET, so the correlation and nonce cookies can be Lax
            // (sent on that navigation) and follow the request's scheme: the same settings work behind TLS and on a
            // loopback test provider, and the code is bound to this browser by PKCE either way.
            options.ResponseMode = OpenIdConnectResponseMode.Query;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.MapInboundClaims = false;
            options.SaveTokens = true;
            options.GetClaimsFromUserInfoEndpoint = false;
            options.Scope.Clear();
            foreach (var scope in settings.ScopeList)
            {
                options.Scope.Add(scope);
            }

            options.CallbackPath = "/signin-oidc";
            options.SignedOutCallbackPath = "/signout-callback-oidc";
            options.TokenValidationParameters.NameClaimType = settings.NameClaim;
            options.TokenValidationParameters.RoleClaimType = settings.RolesClaim;
            options.Events.OnTokenValidated = SignInAsync;
            options.Events.OnRemoteFailure = FailAsync;
        });

    private static async Task SignInAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var settings = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.Oidc;
        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString();
        if (SsoIdentity.From(context.Principal!.Claims, settings) is not { } identity)
        {
            context.Fail("The identity provider's ID token has no subject (sub).");
            return;
        }

        var verdict = await services.GetRequiredService<SsoPeople>().ApplyAsync(identity, address, signIn: true, context.HttpContext.RequestAborted);
        if (verdict.User is null)
        {
            context.Fail(new SsoRefusedException(verdict.Refusal!.Value));
            return;
        }

        context.Principal = AppPrincipal.Create(verdict.User, AppPrincipal.Sso, address);
    }

    /// <summary>The provider said no, the person was refused, or the exchange failed: back to the sign-in page with why.</summary>
    private static async Task FailAsync(RemoteFailureContext context)
    {
        var code = context.Failure switch
        {
            SsoRefusedException { Refusal: SsoRefusal.NotAllowed } => "not-allowed",
            SsoRefusedException { Refusal: SsoRefusal.Disabled } => "disabled",
            SsoRefusedException { Refusal: SsoRefusal.AccountExists } => "account-exists",
            _ => "sso",
        };
        if (context.Failure is not SsoRefusedException)
        {
            // Refusals were recorded with their reason; anything else (a denied consent, a bad state) is recorded here.
            await context.HttpContext.RequestServices.GetRequiredService<SsoPeople>()
                .RecordFailureAsync(context.Failure?.Message ?? "unknown error", context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.HttpContext.RequestAborted);
        }

        context.Response.Redirect(FailurePath + code);
        context.HandleResponse();
    }
}

public sealed class SsoRefusedException(SsoRefusal refusal) : Exception($"Sign-in refused: {refusal}")
{
    public SsoRefusal Refusal { get; } = refusal;
}
