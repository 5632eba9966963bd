using System.Net;
using System.Text.RegularExpressions;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Walks the OpenID Connect flows over plain HTTP as a browser would without JavaScript: follows redirects, fills the
/// provider's login form, and posts the self-submitting forms (form_post response, logout confirmation).
/// </summary>
public sealed partial class SsoClient : IDisposable
{
    private readonly TestApp _app;
    private readonly HttpClient _http;

    public SsoClient(TestApp app)
    {
        _app = app;
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies });
    }

    /// <summary>The browser's cookies for the app and the provider (one host, so one jar).</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>Starts at the app's SSO button and returns where the app finally sends the browser (e.g. <c>/jobs</c> or <c>/login?error=…</c>).</summary>
    public async Task<string> SignInAsync(string username, string password, string returnUrl = "/jobs") =>
        await FollowAsync(Get($"/authentication/sso?returnUrl={Uri.EscapeDataString(returnUrl)}"), username, password);

    /// <summary>Presses "Sign out" on a page of the app and returns where the browser lands at the end.</summary>
    public async Task<string> SignOutAsync()
    {
        var page = await _http.GetStringAsync(new Uri(_app.BaseUri, "/jobs"));
        var token = TestApp.AntiforgeryToken(page);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_app.BaseUri, "/authentication/logout"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        return await FollowAsync(request, null, null);
    }

    public async Task<HttpResponseMessage> GetAsync(string path) => await _http.SendAsync(Get(path));

    private HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri(_app.BaseUri, path));

    /// <summary>Follows the flow until the app answers with a redirect to one of its own pages (or a page with no form).</summary>
    private async Task<string> FollowAsync(HttpRequestMessage request, string? username, string? password)
    {
        for (var step = 0; step < 30; step++)
        {
            using var response = await _http.SendAsync(request);
            var at = request.RequestUri!;
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var next = new Uri(at, response.Headers.Location!);
                if (IsAppPage(next))
                {
                    return next.PathAndQuery;
                }

                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            if (FormTag().Match(html) is not { Success: true } form)
            {
                return $"{(int)response.StatusCode} at {at.PathAndQuery}";
            }

            var fields = Inputs().Matches(html).Select(m => m.Value)
                .Select(tag => (Name: Attribute(tag, "name"), Value: Attribute(tag, "value") ?? ""))
                .Where(f => f.Name is not null)
                .ToDictionary(f => f.Name!, f => WebUtility.HtmlDecode(f.Value));
            if (fields.ContainsKey("username"))
            {
                if (username is null)
                {
                    return $"login form at {at.PathAndQuery}";
                }

                fields["username"] = username;
                fields["password"] = password!;
                username = null; // a second login form means the password was refused
            }

            if (fields.ContainsKey("xsrf") && !fields.ContainsKey("logout"))
            {
                fields["logout"] = "yes";
            }

            var action = WebUtility.HtmlDecode(Attribute(form.Value, "action") ?? at.AbsoluteUri);
            request = new HttpRequestMessage(HttpMethod.Post, new Uri(at, action)) { Content = new FormUrlEncodedContent(fields) };
        }

        throw new InvalidOperationException("The sign-in flow did not end after 30 steps.");
    }

    private bool IsAppPage(Uri uri) =>
        uri.Port == _app.BaseUri.Port && !uri.AbsolutePath.StartsWith("/signin-oidc", StringComparison.Ordinal)
        && !uri.AbsolutePath.StartsWith("/signout-callback-oidc", StringComparison.Ordinal)
        && !uri.AbsolutePath.StartsWith("/authentication/", StringComparison.Ordinal);

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"""\b{name}\s*=\s*["']([^"']*)["']""", RegexOptions.IgnoreCase) is { Success: true } m ? m.Groups[1].Value : null;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Inputs();
}
