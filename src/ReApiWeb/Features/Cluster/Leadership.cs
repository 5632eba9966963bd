namespace ReApiWeb.Features.Cluster;

/// <summary>
/// Which instance does the work only one may do (polling, reading balances, archiving, pruning). On SQLite there is one
/// instance and it always leads; on PostgreSQL the instances elect one through a lease, and another takes over when
/// it dies.
/// </summary>
public interface ILeadership
{
    /// <summary>Whether other instances may share the database (PostgreSQL): then the leader reloads what they did.</summary>
    bool Shared { get; }

    /// <summary>Whether this instance leads now.</summary>
    bool IsLeading { get; }

    /// <summary>Waits until this instance leads; the token it returns is cancelled when that term ends.</summary>
    Task<CancellationToken> WaitForTermAsync(CancellationToken stoppingToken);
}

/// <summary>The one instance on SQLite: it leads for as long as it runs.</summary>
public sealed class SoleLeadership : ILeadership
{
    public bool Shared => false;

    public bool IsLeading => true;

    public Task<CancellationToken> WaitForTermAsync(CancellationToken stoppingToken) => Task.FromResult(stoppingToken);
}

/// <summary>
/// A background service that runs only while this instance leads: <see cref="LeadAsync"/> starts with each term and
/// its token is cancelled when the term ends (another instance took over) or the app stops.
/// </summary>
public abstract class LeaderService(ILeadership leadership) : BackgroundService
{
    protected ILeadership Leadership => leadership;

    /// <summary>Cancelled only when the app stops: for work that, once begun, must finish even if the term ends first.</summary>
    protected CancellationToken Stopping { get; private set; }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Stopping = stoppingToken;
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken term;
            try
            {
                term = await leadership.WaitForTermAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(term, stoppingToken);
            try
            {
                await LeadAsync(linked.Token);

                // Done early: nothing more to do until the next term.
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // The term ended (or the app stops): the next term starts afresh from the database.
            }
        }
    }

    /// <summary>The service's work for one term; <paramref name="term"/> ends it.</summary>
    protected abstract Task LeadAsync(CancellationToken term);
}
