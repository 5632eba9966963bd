namespace ReApiWeb.Features.Auth;

/// <summary>
/// The one rule for where a sign-in may send the browser afterwards: a path on this app. It is ASP.NET Core's
/// <c>IsLocalUrl</c> (a single leading '/', not "//" nor "/\") without any control character anywhere, because
/// browsers drop tabs and line breaks ("/\t/example.org" is "//example.org" to them).
/// </summary>
public static class ReturnUrls
{
    public const string Home = "/";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary><paramref name="url"/> when it is local, else the home page.</summary>
    public static string LocalOrHome(string? url) => IsLocal(url) ? url! : Home;
}
