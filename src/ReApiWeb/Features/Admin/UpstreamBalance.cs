using ReApi.Client;

namespace ReApiWeb.Features.Admin;

/// <summary>The shared account's balance, read from reAPI at most once per <see cref="MaxAge"/> (it spends the request budget).</summary>
public sealed class UpstreamBalance(ReApiClient client, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Balance, DateTimeOffset At)? _last;

    public async Task<long> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is not { } last || time.GetUtcNow() - last.At > MaxAge)
            {
                _last = (await client.GetBalanceAsync(cancellationToken), time.GetUtcNow());
            }

            return _last.Value.Balance;
        }
        finally
        {
            _gate.Release();
        }
    }
}
