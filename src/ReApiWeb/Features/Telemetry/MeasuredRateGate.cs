using ReApi.Client.RateLimiting;

namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// An account's rate gate that tells <see cref="AppMetrics"/> how long each call waited for its slot: the wait is where
/// a saturated budget shows first, before any 429.
/// </summary>
public sealed class MeasuredRateGate(IUpstreamRateGate inner, string account, string budget, AppMetrics metrics, TimeProvider time) : IUpstreamRateGate
{
    public async ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
    {
        var asked = time.GetTimestamp();
        await inner.AcquireAsync(kind, cancellationToken).ConfigureAwait(false);
        metrics.GateWait(account, budget, kind, time.GetElapsedTime(asked));
    }

    public async ValueTask<IDisposable> AcquireUntilAnsweredAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
    {
        var asked = time.GetTimestamp();
        var slot = await inner.AcquireUntilAnsweredAsync(kind, cancellationToken).ConfigureAwait(false);
        metrics.GateWait(account, budget, kind, time.GetElapsedTime(asked));
        return slot;
    }

    public ValueTask<int> AvailableAsync(CancellationToken cancellationToken) => inner.AvailableAsync(cancellationToken);

    public void Pause(TimeSpan duration) => inner.Pause(duration);
}
