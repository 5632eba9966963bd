using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Features.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapAdmin.Email) && o.BootstrapAdmin.Email.Contains('@'), "Auth:BootstrapAdmin:Email must be an e-mail address.")
            .Validate(o => string.IsNullOrEmpty(o.BootstrapAdmin.Password) || o.BootstrapAdmin.Password.Length >= 8, "Auth:BootstrapAdmin:Password must have at least 8 characters.")
            .ValidateOnStart();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/forbidden";
                options.Cookie.Name = "ReApiWeb.Auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, PersonalTokenHandler>(PersonalTokenHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireRole(AuthPolicies.AdminRole))
            .AddPolicy(AuthPolicies.PersonalToken, policy => policy.AddAuthenticationSchemes(PersonalTokenHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(AuthPolicies.CookieOrToken, policy => policy
                .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, PersonalTokenHandler.SchemeName)
                .RequireAuthenticatedUser());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddSingleton<LocalSignIn>();
        builder.Services.AddSingleton<BootstrapAdmin>();
        builder.Services.AddSingleton<PersonalTokens>();
        return builder;
    }

    /// <summary>Paths called by programs (API, hub, file downloads) rather than browsed to.</summary>
    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/outputs") || path.StartsWithSegments("/sandbox");

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
