using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// <c>/hubs/jobs</c>: job events for scripts and other clients. A person receives the events of their own jobs
/// (message <c>jobUpdated</c>); admins receive everyone's.
/// </summary>
[Authorize]
public sealed class JobsHub : Hub
{
    public const string Path = "/hubs/jobs";
    public const string AdminsGroup = "admins";
    public const string JobUpdated = "jobUpdated";

    /// <summary>Each connection joins exactly one group, so nobody receives an event twice.</summary>
    public override async Task OnConnectedAsync()
    {
        var user = Context.User is { } principal ? CurrentUser.From(principal) : null;
        if (user is null)
        {
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, user.IsAdmin ? AdminsGroup : OwnerGroup(user.Id));
        await base.OnConnectedAsync();
    }

    public static string OwnerGroup(Guid ownerId) => $"user:{ownerId}";
}

/// <summary>Forwards the in-process notifier's events to the hub's connected clients.</summary>
public sealed class JobsHubRelay(IJobNotifier notifier, IHubContext<JobsHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(e =>
            hub.Clients.Groups(JobsHub.OwnerGroup(e.OwnerId), JobsHub.AdminsGroup).SendAsync(JobsHub.JobUpdated, e));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
