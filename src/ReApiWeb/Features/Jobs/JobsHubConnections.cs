using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Sessions;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// The open <see cref="JobsHub"/> connections, re-authorised like open pages: every
/// <see cref="AuthOptions.RevalidationInterval"/>, and at once when a person's access changes. A connection whose
/// session or token no longer holds, or whose person's rights changed, is closed; a client that reconnects is
/// authorised afresh and joins the group its rights give it now.
/// </summary>
public sealed partial class JobsHubConnections(
    AccessChanges changes,
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
        changes.Changed += OnChanged;
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
        finally
        {
            changes.Changed -= OnChanged;
        }
    }

    private void OnChanged(Guid userId) =>
        _ = RevalidateAsync(context => context.User?.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString(), CancellationToken.None);

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
