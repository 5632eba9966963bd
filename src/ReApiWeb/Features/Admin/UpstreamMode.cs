using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Admin;

/// <summary>Decides whether jobs go to reAPI or to the built-in sandbox.</summary>
public sealed class UpstreamMode(SharedKeyStore keys, IOptions<SandboxModeOptions> sandbox)
{
    public async ValueTask<bool> IsSandboxAsync(CancellationToken cancellationToken) =>
        sandbox.Value.Enabled ?? (await keys.DescribeAsync(cancellationToken)).IsSet is false;

    /// <summary>True when the sandbox endpoints are mounted at all (unless forced off, it can be switched to at runtime).</summary>
    public bool SandboxMounted => sandbox.Value.Enabled is not false;
}
