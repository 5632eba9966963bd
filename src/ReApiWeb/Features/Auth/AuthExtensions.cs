using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Sessions;
using ReApiWeb.Features.Auth.Sso;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Features.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        var settings = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();

        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/forbidden";
                options.Cookie.Name = "ReApiWeb.Auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = settings.SessionLifetime;
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, PersonalTokenHandler>(PersonalTokenHandler.SchemeName, null);
        if (settings.Oidc.IsEnabled)
        {
            authentication.AddSso(settings.Oidc);
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireRole(AuthPolicies.AdminRole))
            .AddPolicy(AuthPolicies.PersonalToken, policy => policy.AddAuthenticationSchemes(PersonalTokenHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(AuthPolicies.CookieOrToken, policy => policy
                .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, PersonalTokenHandler.SchemeName)
                .RequireAuthenticatedUser());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionStoreSetup>();
        builder.Services.AddSingleton<SessionValidator>();
        builder.Services.AddScoped<AuthenticationStateProvider, CircuitRevalidation>();
        builder.Services.AddSingleton<SsoPeople>();
        builder.Services.AddSingleton<ProviderRecheck>();
        builder.Services.AddSingleton<SignInMethods>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddSingleton<LocalSignIn>();
        builder.Services.AddSingleton<BootstrapAdmin>();
        builder.Services.AddSingleton<PersonalTokens>();
        builder.Services.AddSingleton<Accounts.LocalAccounts>();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, SignInThrottle>(SignInThrottle.PolicyName));
        return builder;
    }

    /// <summary>Paths called by programs (API, hub, file downloads) rather than browsed to.</summary>
    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/outputs") || path.StartsWithSegments("/sandbox");

    /// <summary>Every request re-checks the session behind its cookie (see <see cref="SessionValidator"/>).</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var validator = context.HttpContext.RequestServices.GetRequiredService<SessionValidator>();
        var loaded = context.HttpContext.Items[typeof(UserSession)] as UserSession;
        var current = await validator.ValidateAsync(context.Principal!, context.HttpContext.RequestAborted, loaded);
        if (current is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        else if (!ReferenceEquals(current, context.Principal))
        {
            context.ReplacePrincipal(current);
            context.ShouldRenew = true;
        }
    }

    /// <summary>Browsers are sent to the sign-in page; API and hub clients get a plain status code.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsMachinePath(context.Request.Path))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
