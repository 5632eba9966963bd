using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Events;

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
/// Forwards every job event to the hub's clients (its owner's group and the admins'). It is one subscriber of the bus
/// with a deep queue: a slow or dead connection holds up only this relay, never the poller or a submission that
/// published the event; when the relay falls that far behind, a job's newer event replaces its older one and the
/// overflow is dropped (clients reload what they show on reconnect).
/// </summary>
public sealed partial class JobsHubRelay(IEventBus bus, IHubContext<JobsHub> hub, ILogger<JobsHubRelay> logger) : BackgroundService
{
    private const int QueueCapacity = 10_000;
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe([EventTopic.AllJobs], batch => SendAsync(batch, stoppingToken), QueueCapacity);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the subscription ends with this method.
        }
    }

    private async Task SendAsync(EventBatch batch, CancellationToken stoppingToken)
    {
        if (batch.Missed)
        {
            LogFellBehind(QueueCapacity);
        }

        foreach (var e in batch.Events.OfType<JobEvent>())
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(SendTimeout);
                await hub.Clients.Groups(JobsHub.OwnerGroup(e.OwnerId), JobsHub.AdminsGroup).SendAsync(JobsHub.JobUpdated, Wire(e), timeout.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSendFailed(ex, e.JobId);
            }
        }
    }

    /// <summary>What hub clients receive: the job's facts, as before the bus (not its topics).</summary>
    private static object Wire(JobEvent e) => new { e.JobId, e.OwnerId, e.ModelId, e.Status, e.At, e.Message };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the event of job {JobId} to hub clients failed")]
    private partial void LogSendFailed(Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub clients fell more than {Capacity} job events behind; the later ones were dropped")]
    private partial void LogFellBehind(int capacity);
}
