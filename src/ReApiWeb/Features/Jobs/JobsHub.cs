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

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.IsInRole(AuthPolicies.AdminRole) == true)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AdminsGroup);
        }

        await base.OnConnectedAsync();
    }
}

/// <summary>Forwards the in-process notifier's events to the hub's connected clients.</summary>
public sealed class JobsHubRelay(IJobNotifier notifier, IHubContext<JobsHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(e =>
            hub.Clients.Users(e.OwnerId.ToString()).SendAsync(JobsHub.JobUpdated, e)
                .ContinueWith(_ => hub.Clients.Group(JobsHub.AdminsGroup).SendAsync(JobsHub.JobUpdated, e), TaskScheduler.Default).Unwrap());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
