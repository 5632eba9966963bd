using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Upstream;

/// <summary>
/// Accounts' balances, each read from reAPI at most once per <see cref="MaxAge"/> (a read spends the account's request
/// budget). A person's upstream balance is the sum over the accounts their jobs may go to.
/// </summary>
public sealed class UpstreamBalance(UpstreamClients clients, AccountRouter router, IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, Reading> _readings = new();

    /// <summary>The balance of <paramref name="accountId"/> (null: the sandbox).</summary>
    public async Task<long> GetAsync(Guid? accountId, CancellationToken cancellationToken)
    {
        var reading = _readings.GetOrAdd(accountId ?? Guid.Empty, _ => new Reading());
        await reading.Gate.WaitAsync(cancellationToken);
        try
        {
            if (reading.Last is not { } last || time.GetUtcNow() - last.At > MaxAge)
            {
                reading.Last = (await (await clients.ClientAsync(accountId, cancellationToken)).GetBalanceAsync(cancellationToken), time.GetUtcNow());
            }

            return reading.Last.Value.Balance;
        }
        finally
        {
            reading.Gate.Release();
        }
    }

    /// <summary>What the accounts a person's jobs may go to hold together; null when no account can take their jobs.</summary>
    public async Task<long?> ForPersonAsync(Guid userId, CancellationToken cancellationToken)
    {
        AccountRoute route;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            route = await router.RouteAsync(db, userId, cancellationToken);
        }

        if (route.Sandbox)
        {
            return await GetAsync(null, cancellationToken);
        }

        if (route.Accounts.Count == 0)
        {
            return null;
        }

        long total = 0;
        foreach (var account in route.Accounts)
        {
            total += await GetAsync(account, cancellationToken);
        }

        return total;
    }

    private sealed class Reading
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public (long Balance, DateTimeOffset At)? Last { get; set; }
    }
}
