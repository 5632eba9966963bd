namespace ReApiWeb.Data;

/// <summary>
/// Lets this process's write transactions take turns. SQLite allows one writer at a time, and a writer that finds
/// the database locked polls with growing sleeps, so under a burst (64 submitters) some waited seconds and a few hit
/// the busy timeout. Queued here, they are served in order, each holding the lock only for its own few milliseconds.
/// </summary>
public sealed class WriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
