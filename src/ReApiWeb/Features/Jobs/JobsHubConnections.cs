using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Sessions;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// The open <see cref="JobsHub"/> connections, re-authorised like open pages: every
/// <see cref="AuthOptions.RevalidationInterval"/>, and at once when a person's access changes. A connection whose
/// session or token no longer holds, or whose person's rights changed, is closed; a client that reconnects is
/// authorised afresh and joins the group its rights give it now.
/// </summary>
public sealed partial class JobsHubConnections(
    IEventBus bus,
    SessionValidator sessions,
    PersonalTokens tokens,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<JobsHubConnections> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new();

    public int Count => _open.Count;

    public void Opened(HubCallerContext context) => _open[context.ConnectionId] = context;

    public void Closed(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var changes = bus.Subscribe([EventTopic.Access], batch =>
        {
            // Changes lost to a full queue: everyone is checked.
            var people = batch.Events.OfType<AccessChanged>().Select(c => c.PersonId.ToString()).ToHashSet();
            return RevalidateAsync(context => batch.Missed || (context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && people.Contains(id)), stoppingToken);
        });
        try
        {
            using var timer = new PeriodicTimer(options.Value.RevalidationInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RevalidateAsync(_ => true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RevalidateAsync(Func<HubCallerContext, bool> which, CancellationToken cancellationToken)
    {
        foreach (var context in _open.Values.Where(which))
        {
            try
            {
                if (context.User is not { } principal || !await StillAllowedAsync(principal, cancellationToken))
                {
                    LogClosing(context.ConnectionId, context.User?.FindFirstValue(ClaimTypes.NameIdentifier));
                    _open.TryRemove(context.ConnectionId, out _);
                    context.Abort();
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogCheckFailed(e, context.ConnectionId);
            }
        }
    }

    /// <summary>The same sign-in, with the same rights, still holds: its token (scripts) or its session (browsers).</summary>
    private async Task<bool> StillAllowedAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        principal.Identity?.AuthenticationType == PersonalTokenHandler.SchemeName
            ? await tokens.StillValidAsync(principal, cancellationToken)
            : ReferenceEquals(await sessions.ValidateAsync(principal, cancellationToken), principal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed hub connection {ConnectionId} of {UserId}: its sign-in or rights changed")]
    private partial void LogClosing(string connectionId, string? userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-checking hub connection {ConnectionId} failed; it stays open until the next check")]
    private partial void LogCheckFailed(Exception exception, string connectionId);
}
