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
    /// <summary>Waits for a slot and takes it.</summary>
    ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken);

    /// <summary>Slots that could be granted right now (0 while paused); asks the shared store where there is one.</summary>
    ValueTask<int> AvailableAsync(CancellationToken cancellationToken);

    /// <summary>Stops handing out slots for <paramref name="duration"/> (reAPI answered 429 with Retry-After).</summary>
    void Pause(TimeSpan duration);
}
