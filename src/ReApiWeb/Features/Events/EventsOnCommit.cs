using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Events;

/// <summary>
/// Publishes the events a transaction queued (<see cref="AppDbContext.PublishOnCommit"/>) once it has committed, so no
/// subscriber reloads before the change is there to read, and runs what waited for the commit
/// (<see cref="AppDbContext.AfterCommit"/>); a rollback drops both.
/// </summary>
public sealed class EventsOnCommit(IEventBus bus) : IDbTransactionInterceptor
{
    // Events left by a transaction that ended without a commit or a rollback (disposed) never go out with the next one.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Drop(eventData.Context);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    private void Publish(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }

        foreach (var appEvent in db.TakeQueuedEvents())
        {
            bus.Publish(appEvent);
        }

        foreach (var action in db.TakeAfterCommit())
        {
            action();
        }
    }

    private static void Drop(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is AppDbContext db)
        {
            db.TakeQueuedEvents();
            db.TakeAfterCommit();
        }
    }
}
