using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Cluster;

/// <summary>
/// The leader lease on PostgreSQL: a session advisory lock held on a connection of its own (never pooled, so closing it
/// ends the session). The server frees the lock the moment the leader's session ends (the process died, the connection
/// broke), and the next instance to try takes it. The leader checks its connection every
/// <see cref="ClusterOptions.LeaseCheckInterval"/>; when the check fails it stops leading at once, as the server may
/// already have handed the lock on.
/// </summary>
public sealed partial class PostgresLeadership(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<PostgresLeadership> logger) : BackgroundService, ILeadership
{
    /// <summary>The advisory lock's key ("reapiled" in ASCII), the same in every instance and apart from the start-up lock's.</summary>
    private const long Key = 0x72656170696C6564;

    private readonly Lock _lock = new();
    private TaskCompletionSource<CancellationToken> _term = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _leading;

    public bool Shared => true;

    public bool IsLeading => _leading;

    public async Task<CancellationToken> WaitForTermAsync(CancellationToken stoppingToken)
    {
        Task<CancellationToken> term;
        lock (_lock)
        {
            term = _term.Task;
        }

        return await term.WaitAsync(stoppingToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            connectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString())
            {
                Pooling = false,
                ApplicationName = "ReApiWeb leader lease",
                Timeout = 5,
                CommandTimeout = 5,
            }.ConnectionString;
        }

        var wasDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                if (wasDown)
                {
                    LogDatabaseBack();
                    wasDown = false;
                }

                if (await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", stoppingToken))
                {
                    await LeadWhileHeldAsync(connection, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!wasDown)
                {
                    LogCannotTry(e);
                    wasDown = true;
                }
            }

            try
            {
                await Task.Delay(options.Value.LeaseRetryInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LeadWhileHeldAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        lock (_lock)
        {
            _leading = true;
            _term.TrySetResult(term.Token);
        }

        LogLeading();
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.LeaseCheckInterval, time, stoppingToken);
                await ScalarAsync<int>(connection, "SELECT 1", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
        catch (Exception e)
        {
            LogLost(e);
        }
        finally
        {
            lock (_lock)
            {
                _leading = false;
                _term = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await term.CancelAsync();
        }

        // Leaving the lease on purpose (the app stops): the other services stopped first, so hand it on now rather than
        // when the connection closes.
        if (stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The session ends with the connection anyway, and the lock with it.
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("@key", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("key", Key);
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance now leads: it polls every task, reads balances, archives outputs and prunes uploads")]
    private partial void LogLeading();

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance lost its lease (its connection to the database failed) and no longer leads; another instance takes over")]
    private partial void LogLost(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The leader lease cannot be tried: the database does not answer; trying again every retry interval")]
    private partial void LogCannotTry(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database answers again; trying for the leader lease")]
    private partial void LogDatabaseBack();
}
