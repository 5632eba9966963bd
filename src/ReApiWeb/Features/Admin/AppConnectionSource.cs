using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ReApi.Client;

namespace ReApiWeb.Features.Admin;

/// <summary>
/// The connection for each upstream call: reAPI with the stored shared key, or the sandbox the app mounts at
/// <see cref="SandboxPath"/> on its own address, with a key only this process knows.
/// </summary>
public sealed class AppConnectionSource(
    SharedKeyStore keys,
    UpstreamMode mode,
    IOptions<ReApiOptions> options,
    IOptions<SandboxModeOptions> sandboxOptions,
    SandboxKey sandboxKey,
    IServer server) : IReApiConnectionSource
{
    public const string SandboxPath = "/sandbox/api/v1";

    public async ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (await mode.IsSandboxAsync(cancellationToken))
        {
            return new ReApiConnection(new Uri(SelfBaseUrl().TrimEnd('/') + SandboxPath + "/"), sandboxKey.Value);
        }

        var key = await keys.GetKeyAsync(cancellationToken)
            ?? throw new ReApiException(ReApiErrorKind.Authentication, "No reAPI key is set. An admin can enter it under Admin → Settings.");
        return new ReApiConnection(new Uri(options.Value.BaseUrl.TrimEnd('/') + "/"), key);
    }

    private string SelfBaseUrl()
    {
        if (!string.IsNullOrEmpty(sandboxOptions.Value.SelfUrl))
        {
            return sandboxOptions.Value.SelfUrl;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new ReApiException(ReApiErrorKind.Transport, "The sandbox cannot be reached: the app has no listening address (set Sandbox:SelfUrl).");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}

/// <summary>A random key for the embedded sandbox, made at start; it never leaves the process.</summary>
public sealed record SandboxKey(string Value);
