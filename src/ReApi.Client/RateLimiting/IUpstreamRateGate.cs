namespace ReApi.Client.RateLimiting;

/// <summary>Which kind of upstream call asks for a slot; submissions are served before polls.</summary>
public enum UpstreamCallKind
{
    Submit = 0,
    Poll = 1,
    Balance = 2,
}

/// <summary>
/// The one budget every upstream call draws from. reAPI counts all calls of an account together
/// (10 per second by default, polls included), so every caller must pass through the same gate.
/// </summary>
public interface IUpstreamRateGate
{
    /// <summary>Waits for a slot and takes it; the slot counts for one window from now.</summary>
    ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for a slot and takes it for one call: it counts from now until the returned handle is disposed (the call
    /// was answered), then for one window more. reAPI counts a call when it arrives, possibly long after the grant (a
    /// new connection, a busy machine); counting it until the answer keeps calls granted meanwhile out of its second.
    /// A gate that cannot tell (a test double) counts from the grant.
    /// </summary>
    async ValueTask<IDisposable> AcquireUntilAnsweredAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
    {
        await AcquireAsync(kind, cancellationToken).ConfigureAwait(false);
        return Answered.Already;
    }

    /// <summary>Slots that could be granted right now (0 while paused); asks the shared store where there is one.</summary>
    ValueTask<int> AvailableAsync(CancellationToken cancellationToken);

    /// <summary>Stops handing out slots for <paramref name="duration"/> (reAPI answered 429 with Retry-After).</summary>
    void Pause(TimeSpan duration);
}

/// <summary>The handle of a slot taken for one call; disposing it says the call was answered (idempotent).</summary>
public sealed class Answered(Action? answered) : IDisposable
{
    /// <summary>For a slot that counts from its grant: nothing to say.</summary>
    public static readonly IDisposable Already = new Answered(null);

    private Action? _answered = answered;

    public void Dispose() => Interlocked.Exchange(ref _answered, null)?.Invoke();
}
