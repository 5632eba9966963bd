using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Auth.Sessions;

/// <summary>
/// Re-checks the person behind an open page every <see cref="AuthOptions.RevalidationInterval"/>: a page left open
/// loses its person when they were disabled, signed out elsewhere or refused by the provider, and reloads when their
/// rights changed.
/// </summary>
public sealed class CircuitRevalidation(ILoggerFactory loggerFactory, SessionValidator validator, IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        ReferenceEquals(await validator.ValidateAsync(authenticationState.User, cancellationToken), authenticationState.User);
}
