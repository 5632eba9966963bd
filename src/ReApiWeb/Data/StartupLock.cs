using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ReApiWeb.Data;

/// <summary>
/// Lets instances that start at the same moment on one PostgreSQL database migrate and seed it one after another
/// (one migration history, one bootstrap admin, one sandbox key): a session advisory lock held on a connection of its
/// own until disposed, released by the server too if the instance dies. SQLite has one instance: nothing to take.
/// </summary>
public static class StartupLock
{
    /// <summary>The advisory lock's key ("reapistart" in ASCII, cut to 8 bytes), the same in every instance.</summary>
    private const long Key = 0x7265617069737461;

    public static async Task<IAsyncDisposable> AcquireAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsNpgsql())
        {
            return NoLock.Instance;
        }

        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            take.Parameters.AddWithValue("key", Key);
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the session releases the lock; unlocking first hands it on without waiting for the pool.
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection))
            {
                release.Parameters.AddWithValue("key", Key);
                await release.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
