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
}
