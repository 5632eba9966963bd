using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>
/// One poll schedule per account: a board of its tasks in flight and a scheduler spending that account's own request
/// budget, so two accounts poll twice as much and a task is only ever polled with its own account's key. A schedule
/// starts with the first task of its account and runs while this instance leads.
/// </summary>
public sealed class PollSchedules(DurationBook durations, UpstreamClients clients, ILeadership leadership, IOptions<PollingOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<Guid, PollScheduler> _schedules = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Follows a task on its own account's schedule when this instance leads; otherwise the leader learns of it from the
    /// task's event or its next reload of the database.
    /// </summary>
    public void Add(PollTarget target, DateTimeOffset? lastPolledAt = null, bool stalled = false)
    {
        if (leadership.IsLeading)
        {
            For(target.AccountId).Board.Add(target, lastPolledAt, stalled);
        }
    }

    /// <summary>Whether a schedule follows the job's task.</summary>
    public bool Follows(Guid jobId) => _schedules.Values.Any(s => s.Board.Contains(jobId));

    /// <summary>Forgets every task (the term ended: the next leader follows them, and this one reloads them if it leads again).</summary>
    public void Clear()
    {
        foreach (var schedule in _schedules.Values)
        {
            schedule.Board.Clear();
        }
    }

    /// <summary>Runs every account's scheduler (and each one that starts later) until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(IPollOutcomes outcomes, CancellationToken stoppingToken)
    {
        var running = new Dictionary<PollScheduler, Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
            }

            foreach (var schedule in _schedules.Values.Where(s => !running.ContainsKey(s)))
            {
                running[schedule] = schedule.RunAsync(outcomes, stoppingToken);
            }

            await Task.WhenAny(added, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        }

        await Task.WhenAll(running.Values);
    }

    private PollScheduler For(Guid? accountId)
    {
        var key = accountId ?? Guid.Empty;
        if (_schedules.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var created = _schedules.GetOrAdd(key, _ => new PollScheduler(
            new PollBoard(durations, options, time),
            durations,
            async ct =>
            {
                var (client, gate) = await clients.ForAsync(accountId, ct);
                return new UpstreamLane(client, gate);
            },
            options,
            time,
            loggers.CreateLogger<PollScheduler>()));
        lock (_lock)
        {
            _added.TrySetResult();
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return created;
    }
}
