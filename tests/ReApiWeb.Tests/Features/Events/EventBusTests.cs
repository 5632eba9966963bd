using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Events;

/// <summary>The in-process bus: delivery by topic, never waiting on a subscriber, batches that coalesce, bounded queues.</summary>
public sealed class EventBusTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly InProcessEventBus _bus = new(NullLogger<InProcessEventBus>.Instance);

    private static JobEvent Event(Guid job, Guid owner, JobStatus status = JobStatus.Processing, bool shared = false) =>
        new(job, owner, "z-image", status, DateTimeOffset.UtcNow, Shared: shared);

    [Fact]
    public async Task An_event_reaches_the_subscribers_of_its_topics_only_and_each_once()
    {
        var (me, other, job) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var mine = new Recorder();
        var theirs = new Recorder();
        var both = new Recorder();
        using var a = _bus.Subscribe([EventTopic.JobsOf(me)], mine.Handle);
        using var b = _bus.Subscribe([EventTopic.JobsOf(other)], theirs.Handle);
        using var c = _bus.Subscribe([EventTopic.Job(job), EventTopic.JobsOf(me), EventTopic.SharedJobs], both.Handle);

        _bus.Publish(Event(job, me, shared: true));
        // A later event to the same subscribers: once it is there, whatever came before it has been delivered.
        var marker = Event(Guid.NewGuid(), me);
        _bus.Publish(marker);
        await mine.WaitForAsync(marker);
        await both.WaitForAsync(marker);

        Assert.Equal([job, marker.JobId], mine.Jobs);
        Assert.Equal([job, marker.JobId], both.Jobs);
        Assert.Empty(theirs.Jobs);
        Assert.Equal(0, _bus.SubscribersOf(EventTopic.AllJobs));
    }

    [Fact]
    public async Task A_stalled_subscriber_holds_up_neither_the_publisher_nor_the_others_and_its_queue_stays_bounded()
    {
        var stall = new TaskCompletionSource();
        var stalledCalls = 0;
        var stalledBatches = new ConcurrentQueue<EventBatch>();
        using var stalled = _bus.Subscribe([EventTopic.AllJobs], async batch =>
        {
            stalledBatches.Enqueue(batch);
            Interlocked.Increment(ref stalledCalls);
            await stall.Task;
        }, capacity: 8);
        var healthy = new Recorder();
        using var other = _bus.Subscribe([EventTopic.AllJobs], healthy.Handle, capacity: 2000);

        var owner = Guid.NewGuid();
        var events = Enumerable.Range(0, 1000).Select(_ => Event(Guid.NewGuid(), owner)).ToList();
        _bus.Publish(events[0]);
        await WaitUntilAsync(() => Volatile.Read(ref stalledCalls) == 1);
        foreach (var e in events.Skip(1))
        {
            _bus.Publish(e);
        }

        await healthy.WaitForAsync(events[^1]);
        Assert.Equal(events.Select(e => e.JobId), healthy.Jobs);

        // The stalled one got the first event, then kept at most 8 waiting and was told it missed the rest.
        stall.SetResult();
        await WaitUntilAsync(() => stalledBatches.Count == 2);
        var second = stalledBatches.ElementAt(1);
        Assert.Equal(8, second.Events.Count);
        Assert.True(second.Missed);
        Assert.Equal(events.Skip(1).Take(8), second.Events.Cast<JobEvent>());
    }

    [Fact]
    public async Task Events_that_arrive_during_a_call_come_in_one_batch_with_a_jobs_newer_event_replacing_its_older_one()
    {
        var release = new TaskCompletionSource();
        var batches = new ConcurrentQueue<EventBatch>();
        using var subscription = _bus.Subscribe([EventTopic.AllJobs], async batch =>
        {
            batches.Enqueue(batch);
            if (batches.Count == 1)
            {
                await release.Task;
            }
        });

        var owner = Guid.NewGuid();
        var (first, a, b) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        _bus.Publish(Event(first, owner));
        await WaitUntilAsync(() => batches.Count == 1);
        _bus.Publish(Event(a, owner, JobStatus.Processing));
        _bus.Publish(Event(b, owner, JobStatus.Processing));
        _bus.Publish(Event(a, owner, JobStatus.Completed));
        _bus.Publish(new CreditsMoved(owner));
        release.SetResult();

        await WaitUntilAsync(() => batches.Count == 2);
        var second = batches.ElementAt(1);
        Assert.False(second.Missed);
        Assert.Equal([(a, JobStatus.Completed), (b, JobStatus.Processing)], second.Events.Cast<JobEvent>().Select(e => (e.JobId, e.Status)));
    }

    [Fact]
    public async Task A_failing_handler_is_logged_and_still_gets_later_events_and_a_disposed_one_gets_none()
    {
        var logger = new CountingLogger();
        var bus = new InProcessEventBus(logger);
        var calls = 0;
        var owner = Guid.NewGuid();
        var subscription = bus.Subscribe([EventTopic.JobsOf(owner)], _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("a page that broke");
        });

        bus.Publish(Event(Guid.NewGuid(), owner));
        await WaitUntilAsync(() => logger.Warnings == 1);
        bus.Publish(Event(Guid.NewGuid(), owner));
        await WaitUntilAsync(() => logger.Warnings == 2);
        Assert.Equal(2, calls);

        subscription.Dispose();
        Assert.Equal(0, bus.SubscriberCount);
        var after = new Recorder();
        using var marker = bus.Subscribe([EventTopic.JobsOf(owner)], after.Handle);
        var last = Event(Guid.NewGuid(), owner);
        bus.Publish(last);
        await after.WaitForAsync(last);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Credit_events_reach_the_persons_pages_and_admin_pages_and_a_change_for_everyone_reaches_all()
    {
        var (me, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = new Recorder();
        var admin = new Recorder();
        using var a = _bus.Subscribe([EventTopic.CreditsOf(me), EventTopic.CreditsOfEveryone], mine.Handle);
        using var b = _bus.Subscribe([EventTopic.AllCredits], admin.Handle);

        _bus.Publish(new CreditsMoved(other));
        _bus.Publish(new CreditsMoved(Guid.Empty));
        _bus.Publish(new CreditsMoved(me));
        await mine.WaitForAsync(new CreditsMoved(me));
        await admin.WaitForAsync(new CreditsMoved(me));

        Assert.Equal([new CreditsMoved(Guid.Empty), new CreditsMoved(me)], mine.Events);
        Assert.Equal([new CreditsMoved(other), new CreditsMoved(Guid.Empty), new CreditsMoved(me)], admin.Events);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    /// <summary>Keeps every event it is handed, and lets a test wait for a particular one.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentQueue<AppEvent> _events = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public IReadOnlyList<AppEvent> Events => [.. _events];

        public IReadOnlyList<Guid> Jobs => [.. _events.OfType<JobEvent>().Select(e => e.JobId)];

        public Task Handle(EventBatch batch)
        {
            foreach (var e in batch.Events)
            {
                _events.Enqueue(e);
            }

            _arrived.Release();
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(AppEvent appEvent)
        {
            using var deadline = new CancellationTokenSource(Patience);
            while (!_events.Contains(appEvent))
            {
                await _arrived.WaitAsync(deadline.Token);
            }
        }
    }

    private sealed class CountingLogger : ILogger<InProcessEventBus>
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }
}
