namespace ReApiWeb.Features.Jobs;

/// <summary>A task the poller follows.</summary>
public sealed record PollTarget(Guid JobId, Guid OwnerId, string TaskId, string ModelId, DateTimeOffset SubmittedAt)
{
    public int ConsecutiveErrors { get; init; }
}

/// <summary>The poller's plan: which task is due when. Thread-safe; wakes the poller when an earlier task arrives.</summary>
public sealed class PollSchedule(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<(PollTarget Target, long Version), DateTimeOffset> _queue = new();
    private readonly Dictionary<Guid, long> _versions = [];
    private long _nextVersion;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _versions.Count;
            }
        }
    }

    /// <summary>Plans (or re-plans) a poll of <paramref name="target"/> at <paramref name="due"/>.</summary>
    public void Schedule(PollTarget target, DateTimeOffset due)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            var version = ++_nextVersion;
            _versions[target.JobId] = version;
            _queue.Enqueue((target, version), due);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Stops following a job (it reached a terminal state).</summary>
    public void Remove(Guid jobId)
    {
        lock (_lock)
        {
            _versions.Remove(jobId);
        }
    }

    public bool Contains(Guid jobId)
    {
        lock (_lock)
        {
            return _versions.ContainsKey(jobId);
        }
    }

    /// <summary>Takes the next task whose time has come. A taken task is no longer planned until scheduled again.</summary>
    public bool TryTakeDue(out PollTarget target)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            while (_queue.TryPeek(out var entry, out var due))
            {
                if (!_versions.TryGetValue(entry.Target.JobId, out var current) || current != entry.Version)
                {
                    _queue.Dequeue(); // superseded or removed
                    continue;
                }

                if (due > now)
                {
                    break;
                }

                _queue.Dequeue();
                _versions.Remove(entry.Target.JobId);
                target = entry.Target;
                return true;
            }
        }

        target = null!;
        return false;
    }

    /// <summary>Waits until the earliest task is due, a new task is scheduled, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task changed;
        TimeSpan? wait = null;
        lock (_lock)
        {
            changed = _changed.Task;
            while (_queue.TryPeek(out var entry, out var due))
            {
                if (_versions.TryGetValue(entry.Target.JobId, out var current) && current == entry.Version)
                {
                    var delay = due - time.GetUtcNow();
                    wait = delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
                    break;
                }

                _queue.Dequeue();
            }
        }

        if (wait == TimeSpan.Zero)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = wait is { } w ? Task.Delay(w, time, linked.Token) : Task.Delay(Timeout.Infinite, linked.Token);
        await Task.WhenAny(changed, timer).WaitAsync(cancellationToken);
        await linked.CancelAsync();
    }
}
