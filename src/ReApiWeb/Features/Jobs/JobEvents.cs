using System.Collections.Immutable;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>Something changed about a job: its status, its poll or its archived outputs.</summary>
public sealed record JobEvent(Guid JobId, Guid OwnerId, string ModelId, JobStatus Status, DateTimeOffset At, string? Message = null);

/// <summary>
/// Fans job events out to whoever listens in this process: Blazor circuits and the SignalR hub relay. Behind several
/// instances a bus feeds every instance's notifier; callers only see this interface.
/// </summary>
public interface IJobNotifier
{
    ValueTask PublishAsync(JobEvent jobEvent);

    /// <summary>Handlers run on the publisher's thread; a failing handler is logged and does not stop the others.</summary>
    IDisposable Subscribe(Func<JobEvent, Task> handler);
}

public sealed partial class InProcessJobNotifier(ILogger<InProcessJobNotifier> logger) : IJobNotifier
{
    private ImmutableArray<Func<JobEvent, Task>> _handlers = [];

    public async ValueTask PublishAsync(JobEvent jobEvent)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await handler(jobEvent);
            }
            catch (Exception e)
            {
                LogHandlerFailed(e, jobEvent.JobId);
            }
        }
    }

    public IDisposable Subscribe(Func<JobEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _handlers, list => list.Remove(handler)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job event handler failed for job {JobId}")]
    private partial void LogHandlerFailed(Exception exception, Guid jobId);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
