using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReApiWeb.Data;

/// <summary>
/// Every explicit transaction runs through here, inside the provider's execution strategy: on PostgreSQL a transient
/// failure (the server dropped the connection, a deadlock, a serialization failure) runs the whole unit again on a
/// clean context, from its first read; on SQLite it runs once. The work commits the transaction itself (or leaves it,
/// which rolls it back), so what it read decides again on each run.
/// </summary>
public static class Transactions
{
    public static Task<T> InTransactionAsync<T>(this AppDbContext db, Func<IDbContextTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            return await work(transaction);
        }, cancellationToken);

    public static Task InTransactionAsync(this AppDbContext db, Func<IDbContextTransaction, Task> work, CancellationToken cancellationToken) =>
        db.InTransactionAsync<bool>(async transaction =>
        {
            await work(transaction);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="read"/> in a read-only transaction that sees one moment of the database for all its reads,
    /// without holding writers back: on SQLite a deferred transaction (its first read fixes the snapshot; the app's
    /// write transactions are immediate ones, which would wait for it), on PostgreSQL a repeatable-read one (run again
    /// whole on a transient failure, like every transaction here). For a check that compares two tables (the ledger
    /// and its totals) while the app writes both.
    /// </summary>
    public static Task<T> InSnapshotAsync<T>(this AppDbContext db, Func<Task<T>> read, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            IDbContextTransaction transaction;
            if (db.Database.IsSqlite())
            {
                await db.Database.OpenConnectionAsync(ct);
                var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
                transaction = await db.Database.UseTransactionAsync(connection.BeginTransaction(deferred: true), ct)
                    ?? throw new InvalidOperationException("The snapshot transaction was not taken.");
            }
            else
            {
                transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            }

            await using (transaction)
            {
                return await read();
            }
        }, cancellationToken);
}
