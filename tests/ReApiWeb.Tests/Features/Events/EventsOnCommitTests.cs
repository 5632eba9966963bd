using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Events;

/// <summary>Events queued in a transaction go out when it commits, never before, and never when it rolls back.</summary>
public sealed class EventsOnCommitTests : AppTest
{
    [Fact]
    public async Task Queued_events_are_published_after_the_commit_and_dropped_by_a_rollback()
    {
        var ct = TestContext.Current.CancellationToken;
        var bus = App.Services.GetRequiredService<IEventBus>();
        var (committed, rolledBack) = (Guid.NewGuid(), Guid.NewGuid());
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(Guid Person, bool CommittedBefore)>();
        var wroteRow = false;
        using var subscription = bus.Subscribe([EventTopic.AllCredits], batch =>
        {
            foreach (var e in batch.Events.OfType<CreditsMoved>())
            {
                seen.Enqueue((e.PersonId, Volatile.Read(ref wroteRow)));
            }

            return Task.CompletedTask;
        });

        await using (var db = await App.DbAsync())
        {
            Assert.Throws<InvalidOperationException>(() => db.PublishOnCommit(new CreditsMoved(committed)));

            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                db.PublishOnCommit(new CreditsMoved(rolledBack));
                await transaction.RollbackAsync(ct);
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                db.PublishOnCommit(new CreditsMoved(committed));
                db.PublishOnCommit(new CreditsMoved(committed));
                await Task.Yield();
                Assert.Empty(seen);
                Volatile.Write(ref wroteRow, true);
                await transaction.CommitAsync(ct);
            }
        }

        // A marker published afterwards on the same topic: when it arrives, everything before it has.
        var marker = Guid.NewGuid();
        bus.Publish(new CreditsMoved(marker));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!seen.Any(s => s.Person == marker))
        {
            await Task.Delay(5, deadline.Token);
        }

        Assert.Equal([(committed, true), (marker, true)], seen);
    }
}
