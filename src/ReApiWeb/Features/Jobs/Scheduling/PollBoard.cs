using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>
/// Every task in flight and what is known of it. <see cref="PickNext"/> chooses the task whose poll is worth most now:
/// the one with the largest expected time it has already been finished without us knowing, given its model's learned
/// duration distribution, its age and how long ago it was last polled. Thread-safe.
/// </summary>
public sealed class PollBoard(DurationBook durations, IOptions<PollingOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PollingOptions Options => options.Value;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Follows a task; <paramref name="lastPolledAt"/> is when it was last seen running (its submission if never).</summary>
    public void Add(PollTarget target, DateTimeOffset? lastPolledAt = null, bool stalled = false)
    {
        lock (_lock)
        {
            _entries[target.JobId] = new Entry(target) { LastPolledAt = lastPolledAt ?? target.SubmittedAt, Stalled = stalled };
            if (!stalled && lastPolledAt is { } seen)
            {
                durations.For(target.ModelId).Running(target.JobId, seen - target.SubmittedAt, target.DurationClass);
            }
        }

        Signal();
    }

    public void Remove(Guid jobId)
    {
        lock (_lock)
        {
            if (_entries.Remove(jobId, out var entry))
            {
                durations.For(entry.Target.ModelId).Forget(jobId);
            }
        }
    }

    /// <summary>Forgets every task.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values)
            {
                durations.For(entry.Target.ModelId).Forget(entry.Target.JobId);
            }

            _entries.Clear();
        }
    }

    public bool Contains(Guid jobId)
    {
        lock (_lock)
        {
            return _entries.ContainsKey(jobId);
        }
    }

    /// <summary>
    /// The most valuable task to poll now, or null when none is worth at least <paramref name="minimumWorth"/> seconds
    /// (default <see cref="PollingOptions.PollWorthSeconds"/>); when <paramref name="take"/> it is marked as being
    /// polled. <paramref name="nextCheck"/> says when asking again may give a task.
    /// </summary>
    public PollTarget? PickNext(out TimeSpan nextCheck, bool take = true, double? minimumWorth = null)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Entry? best = null;
            var bestScore = double.NegativeInfinity;
            nextCheck = Options.MaxGap;
            foreach (var entry in _entries.Values)
            {
                if (entry.Polling)
                {
                    continue;
                }

                var earliest = Max(entry.NotBefore, entry.LastPolledAt + Options.MinInterval);
                if (earliest > now)
                {
                    nextCheck = Min(nextCheck, earliest - now);
                    continue;
                }

                var score = Score(entry, now);
                if (score > bestScore)
                {
                    (best, bestScore) = (entry, score);
                }
            }

            if (best is null || bestScore < (minimumWorth ?? Options.PollWorthSeconds))
            {
                nextCheck = Min(nextCheck, Options.Tick);
                return null;
            }

            best.Polling = take;
            return best.Target;
        }
    }

    /// <summary>
    /// Records a poll that found the task still running. <paramref name="sentAt"/> is when the poll left (default: now):
    /// the task was running at least until then, and the next poll of it is spaced from then, as reAPI counts.
    /// </summary>
    public void PolledRunning(Guid jobId, bool stalled, DateTimeOffset? sentAt = null)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(jobId, out var entry))
            {
                entry.Polling = false;
                entry.LastPolledAt = sentAt ?? time.GetUtcNow();
                entry.Errors = 0;
                entry.Stalled = stalled;
                var model = durations.For(entry.Target.ModelId);
                if (stalled)
                {
                    model.Forget(jobId); // a task stuck upstream says nothing about how long the others run
                }
                else
                {
                    model.Running(jobId, entry.LastPolledAt - entry.Target.SubmittedAt, entry.Target.DurationClass);
                }
            }
        }
    }

    /// <summary>Records a failed poll: this task alone backs off (doubling from the minimum interval, up to <see cref="PollingOptions.MaxErrorBackoff"/>).</summary>
    public int PollFailed(Guid jobId)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(jobId, out var entry))
            {
                return 0;
            }

            entry.Polling = false;
            entry.Errors++;
            var backoff = Options.MinInterval * Math.Pow(2, Math.Min(entry.Errors, 10));
            entry.NotBefore = time.GetUtcNow() + Min(backoff, Min(Options.MaxErrorBackoff, Options.MaxGap));
            return entry.Errors;
        }
    }

    /// <summary>Hands a task back unpolled (the account's budget refused the call): it is picked again as it was, nothing held against it.</summary>
    public void PollRefused(Guid jobId)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(jobId, out var entry))
            {
                entry.Polling = false;
            }
        }
    }

    /// <summary>When the task was last seen running (for estimating when it finished).</summary>
    public DateTimeOffset? LastPolledAt(Guid jobId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(jobId, out var entry) ? entry.LastPolledAt : null;
        }
    }

    /// <summary>Completes when a task is added (so a waiting scheduler looks again at once).</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Expected seconds the task has been finished but unseen: ∫ from last poll to now of P(finished by s | running at
    /// last poll) ds. Past the cap it must be polled whatever the model says; stalled tasks wait for the cap.
    /// </summary>
    private double Score(Entry entry, DateTimeOffset now)
    {
        var gap = now - entry.LastPolledAt;
        if (gap >= Options.MaxGap)
        {
            return double.PositiveInfinity;
        }

        if (entry.Stalled)
        {
            return double.NegativeInfinity;
        }

        var model = durations.For(entry.Target);
        var from = entry.LastPolledAt - entry.Target.SubmittedAt;
        var f0 = model.Cdf(from);
        var survival = Math.Max(1 - f0, 1e-3);
        const int Steps = 4;
        var sum = 0.0;
        for (var i = 1; i <= Steps; i++)
        {
            var at = from + (gap * (i - 0.5) / Steps);
            sum += model.Cdf(at) - f0;
        }

        return sum / Steps * gap.TotalSeconds / survival;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Entry(PollTarget target)
    {
        public PollTarget Target { get; } = target;

        public DateTimeOffset LastPolledAt { get; set; }

        public DateTimeOffset NotBefore { get; set; }

        public int Errors { get; set; }

        public bool Polling { get; set; }

        public bool Stalled { get; set; }
    }
}
