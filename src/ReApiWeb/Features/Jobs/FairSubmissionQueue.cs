using System.Collections.Concurrent;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// One <see cref="FairSubmissionQueue"/> per account (its own rate gate): people take turns in front of the account their
/// job goes to, and a submission waiting for one account never holds up a submission to another.
/// </summary>
public sealed class SubmissionTurns
{
    private readonly ConcurrentDictionary<Guid, FairSubmissionQueue> _queues = new();

    /// <summary>Waits for <paramref name="personId"/>'s turn at <paramref name="accountId"/>'s gate (null: the sandbox's).</summary>
    public Task<FairSubmissionQueue.Turn> EnterAsync(Guid? accountId, Guid personId, CancellationToken cancellationToken) =>
        _queues.GetOrAdd(accountId ?? Guid.Empty, _ => new FairSubmissionQueue()).EnterAsync(personId, cancellationToken);
}

/// <summary>
/// Takes turns between people in front of the account's rate gate: one submission at a time waits for a slot, and the
/// next turn goes to the next person in round-robin order, so a member with 150 submissions queued delays another
/// member's single job by at most one of theirs, not all of them.
/// </summary>
public sealed class FairSubmissionQueue
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Queue<TaskCompletionSource<Turn>>> _waiting = [];
    private readonly LinkedList<Guid> _order = new();
    private bool _taken;

    /// <summary>Waits for <paramref name="personId"/>'s turn; dispose the turn (at the latest) once the gate gave the slot.</summary>
    public Task<Turn> EnterAsync(Guid personId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_taken)
            {
                _taken = true;
                return Task.FromResult(new Turn(this));
            }

            var waiter = new TaskCompletionSource<Turn>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(personId, out var queue))
            {
                _waiting[personId] = queue = new Queue<TaskCompletionSource<Turn>>();
                _order.AddLast(personId);
            }

            queue.Enqueue(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                // A cancelled waiter stays queued but is skipped when its turn comes (its task is already cancelled).
                cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            }

            return waiter.Task;
        }
    }

    /// <summary>How many submissions wait for a turn (for tests and diagnostics).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Values.Sum(q => q.Count);
            }
        }
    }

    private void Pass()
    {
        lock (_lock)
        {
            while (_order.First is { } next)
            {
                var personId = next.Value;
                _order.RemoveFirst();
                var queue = _waiting[personId];
                var waiter = queue.Dequeue();
                if (queue.Count > 0)
                {
                    _order.AddLast(personId);
                }
                else
                {
                    _waiting.Remove(personId);
                }

                if (waiter.TrySetResult(new Turn(this)))
                {
                    return;
                }
            }

            _taken = false;
        }
    }

    /// <summary>One person's turn at the gate; disposing it (once) passes the turn on.</summary>
    public sealed class Turn(FairSubmissionQueue queue) : IDisposable
    {
        private FairSubmissionQueue? _queue = queue;

        public void Dispose() => Interlocked.Exchange(ref _queue, null)?.Pass();
    }
}
