using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Upstream;

/// <summary>Decides whether new jobs go to reAPI accounts or to the built-in sandbox.</summary>
public sealed class UpstreamMode(UpstreamAccounts accounts, IOptions<SandboxModeOptions> sandbox)
{
    /// <summary>True when new jobs go to the sandbox: forced by <c>Sandbox:Enabled</c>, or while no account exists.</summary>
    public async ValueTask<bool> IsSandboxAsync(CancellationToken cancellationToken) =>
        sandbox.Value.Enabled ?? await accounts.NoneAsync(cancellationToken);

    /// <summary>True when the sandbox endpoints are mounted at all (unless forced off, it can be switched to at runtime).</summary>
    public bool SandboxMounted => sandbox.Value.Enabled is not false;
}
