using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// <c>/hubs/jobs</c>: job events for scripts and other clients (a browser's cookie, or a personal token as
/// <c>Authorization: Bearer</c> or, for WebSockets, SignalR's <c>access_token</c> query parameter). A person receives the events of their own jobs
/// (message <c>jobUpdated</c>); admins receive everyone's.
/// </summary>
/// Connections are re-authorised while open (<see cref="JobsHubConnections"/>).
[Authorize(Policy = AuthPolicies.CookieOrToken)]
public sealed class JobsHub(JobsHubConnections connections) : Hub
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
        connections.Opened(Context);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Closed(Context);
        return base.OnDisconnectedAsync(exception);
    }

    public static string OwnerGroup(Guid ownerId) => $"user:{ownerId}";
}

/// <summary>
/// Forwards the in-process notifier's events to the hub's clients through a bounded queue, so a slow or dead connection
/// never holds up the poller or a submission that published the event. When the queue is full the oldest event goes.
/// </summary>
public sealed partial class JobsHubRelay(IJobNotifier notifier, IHubContext<JobsHub> hub, ILogger<JobsHubRelay> logger) : BackgroundService
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    private readonly System.Threading.Channels.Channel<JobEvent> _queue = System.Threading.Channels.Channel.CreateBounded<JobEvent>(
        new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest, SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe(e =>
        {
            _queue.Writer.TryWrite(e);
            return Task.CompletedTask;
        });
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(SendTimeout);
                await hub.Clients.Groups(JobsHub.OwnerGroup(e.OwnerId), JobsHub.AdminsGroup).SendAsync(JobsHub.JobUpdated, e, timeout.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSendFailed(ex, e.JobId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the event of job {JobId} to hub clients failed")]
    private partial void LogSendFailed(Exception exception, Guid jobId);
}
