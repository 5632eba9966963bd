using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// The event bus alone: how long <see cref="IEventBus.Publish"/> takes with 500 subscribed circuits, all healthy or one
/// of them stalled (its handler never returns), when every event visits all 500 (the team's gallery open 500 times)
/// and when the index sends each event to its owner's pages only. A healthy subscriber's handler yields and counts,
/// as a page that schedules its reload does. Run with <c>--bus</c>.
/// </summary>
public static class BusBenchmark
{
    private const int Subscribers = 500;
    private const int Events = 20_000;

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Bus benchmark: {Events:N0} job events published one after another, {Subscribers} subscribers; publish time per event.");
        Console.WriteLine("scenario                                             |   p50    p99  p99.9    max | handed to the healthy, of all theirs | stalled one's queue");
        await RunAsync("(warm-up, not counted)", stalled: false, indexed: false, print: false);
        await RunAsync("every event to all 500, all healthy", stalled: false, indexed: false);
        await RunAsync("every event to all 500, one stalled", stalled: true, indexed: false);
        await RunAsync("each event to its owner's 1 of 500, one stalled", stalled: true, indexed: true);
        return 0;
    }

    private static async Task RunAsync(string name, bool stalled, bool indexed, bool print = true)
    {
        var bus = new InProcessEventBus(NullLogger<InProcessEventBus>.Instance);
        var owners = Enumerable.Range(0, Subscribers).Select(_ => Guid.NewGuid()).ToArray();
        long received = 0;
        var stall = new TaskCompletionSource();
        var stalledBatches = 0;
        var stalledHeld = 0;
        var subscriptions = new List<IDisposable>();
        for (var i = 0; i < Subscribers; i++)
        {
            EventTopic[] topics = indexed ? [EventTopic.JobsOf(owners[i])] : [EventTopic.SharedJobs];
            subscriptions.Add(stalled && i == 0
                ? bus.Subscribe(topics, async batch =>
                {
                    Interlocked.Increment(ref stalledBatches);
                    Volatile.Write(ref stalledHeld, batch.Events.Count);
                    await stall.Task;
                })
                : bus.Subscribe(topics, async batch =>
                {
                    await Task.Yield();
                    Interlocked.Add(ref received, batch.Events.Count);
                }));
        }

        var times = new double[Events];
        var at = DateTimeOffset.UtcNow;
        for (var n = 0; n < Events; n++)
        {
            // Events for owner 0 (the stalled one's) and the others in turn.
            var e = new JobEvent(Guid.NewGuid(), owners[n % Subscribers], "z-image", JobStatus.Processing, at, Shared: true);
            var start = Stopwatch.GetTimestamp();
            bus.Publish(e);
            times[n] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        // Let the healthy ones drain (they coalesce; what they were handed is what they received).
        var quiet = Stopwatch.StartNew();
        long last = -1;
        while (quiet.Elapsed < TimeSpan.FromSeconds(10) && Interlocked.Read(ref received) != last)
        {
            last = Interlocked.Read(ref received);
            await Task.Delay(200);
        }

        Array.Sort(times);
        double P(double share) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(share * times.Length) - 1)];
        var stalledText = stalled ? $"{stalledHeld} in its call, queue capped at {EventBatch.DefaultCapacity}" : "-";
        // Each healthy subscriber's share: all events (every event to all) or its owner's (indexed).
        var healthy = stalled ? Subscribers - 1 : Subscribers;
        var theirs = indexed ? (long)Events * healthy / Subscribers : (long)Events * healthy;
        var handed = $"{Interlocked.Read(ref received):N0} of {theirs:N0}";
        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-52} | {P(0.5),5:0.0} {P(0.99),6:0.0} {P(0.999),6:0.0} {times[^1],6:0} µs | {handed,36} | {stalledText}"));
        }

        stall.SetResult();
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }
}
