namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Runs a refresh at most once at a time: requests that arrive while one runs are folded into a single further run,
/// so a burst of job events costs two reloads, not one per event.
/// </summary>
public sealed class RefreshCoalescer(Func<Task> refresh)
{
    private int _pending;

    public async Task RequestAsync()
    {
        if (Interlocked.Increment(ref _pending) > 1)
        {
            return;
        }

        while (true)
        {
            var seen = Volatile.Read(ref _pending);
            try
            {
                await refresh();
            }
            catch
            {
                // A failed run must not leave the counter raised, or no refresh would ever run again.
                Interlocked.Add(ref _pending, -seen);
                throw;
            }

            if (Interlocked.Add(ref _pending, -seen) == 0)
            {
                return;
            }
        }
    }
}
