using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ReApi.Client.RateLimiting;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReApiWeb.Tests.Features.Upstream;

/// <summary>One account's budget shared by several instances through a real Redis: each instance here is a gate on a connection of its own.</summary>
public sealed class RedisRateGateTests(RedisServer redis)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(IConnectionMultiplexer Connection, RedisRateGate Gate)> InstanceAsync(string connectionString, string scope, int limit, TimeSpan window)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        return (connection, new RedisRateGate(connection, scope, limit, window, TimeProvider.System, NullLogger.Instance));
    }

    [Fact]
    public async Task Three_instances_together_never_take_more_than_the_accounts_limit_in_a_window()
    {
        const int limit = 5;
        var window = TimeSpan.FromSeconds(1);
        var scope = Guid.NewGuid().ToString("N");
        var connectionString = await redis.ConnectionStringAsync();
        var instances = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => InstanceAsync(connectionString, scope, limit, window)));
        var grants = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
        var clock = Stopwatch.StartNew();
        try
        {
            // Eight callers on each instance keep asking for 4 s: each instance alone would take 5 a second, 15 together.
            await Task.WhenAll(instances.SelectMany(i => Enumerable.Range(0, 8).Select(async _ =>
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(4))
                {
                    await i.Gate.AcquireAsync(UpstreamCallKind.Poll, Ct);
                    grants.Add(clock.Elapsed);
                }
            })));
        }
        finally
        {
            foreach (var (connection, _) in instances)
            {
                await connection.DisposeAsync();
            }
        }

        // Times are taken here, a little after Redis granted: windows of 800 ms leave room for that delay, and an unshared
        // budget (three times the limit) would still fill any of them past the limit.
        var times = grants.Order().ToArray();
        var crowded = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromMilliseconds(800)).Count()).Max();
        Assert.True(crowded <= limit, $"{crowded} calls within 800 ms (limit {limit} a second)");
        // About 5 a second during the 4 s (callers still waiting then are served after, at the same pace).
        Assert.InRange(times.Count(t => t < TimeSpan.FromSeconds(4)), limit * 3, limit * 4 + limit);
    }

    [Fact]
    public async Task A_pause_after_reAPIs_429_on_one_instance_holds_every_instance()
    {
        var scope = Guid.NewGuid().ToString("N");
        var connectionString = await redis.ConnectionStringAsync();
        var (first, paused) = await InstanceAsync(connectionString, scope, 10, TimeSpan.FromSeconds(1));
        var (second, other) = await InstanceAsync(connectionString, scope, 10, TimeSpan.FromSeconds(1));
        await using (first)
        await using (second)
        {
            paused.Pause(TimeSpan.FromMilliseconds(800));
            var waited = Stopwatch.StartNew();
            await TestApp.UntilAsync(async () => await other.AvailableAsync(Ct) == 0, TimeSpan.FromSeconds(20), "the other instance sees the pause");
            await other.AcquireAsync(UpstreamCallKind.Submit, Ct);
            Assert.True(waited.Elapsed >= TimeSpan.FromMilliseconds(600), $"granted after {waited.Elapsed.TotalMilliseconds:0} ms of an 800 ms pause");
        }
    }

    /// <summary>A call out from one instance counts on every instance until it is answered, then for a window.</summary>
    [Fact]
    public async Task A_call_counts_on_every_instance_until_it_is_answered()
    {
        var scope = Guid.NewGuid().ToString("N");
        var connectionString = await redis.ConnectionStringAsync();
        var (first, calling) = await InstanceAsync(connectionString, scope, 2, TimeSpan.FromMilliseconds(500));
        var (second, other) = await InstanceAsync(connectionString, scope, 2, TimeSpan.FromMilliseconds(500));
        await using (first)
        await using (second)
        {
            var slow = await calling.AcquireUntilAnsweredAsync(UpstreamCallKind.Poll, Ct);
            using var slower = await calling.AcquireUntilAnsweredAsync(UpstreamCallKind.Poll, Ct);
            var next = other.AcquireAsync(UpstreamCallKind.Poll, Ct).AsTask();
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(1.2))
            {
                Assert.False(next.IsCompleted, $"granted after {waited.Elapsed.TotalMilliseconds:0} ms with both calls out (window 500 ms)");
                await Task.Delay(50, Ct);
            }

            slow.Dispose();
            var answered = Stopwatch.StartNew();
            await next.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.True(answered.Elapsed >= TimeSpan.FromMilliseconds(400), $"granted {answered.Elapsed.TotalMilliseconds:0} ms after the answer (window 500 ms)");
        }
    }

    [Fact]
    public async Task Waiting_submissions_on_one_instance_go_before_polls_on_another()
    {
        var scope = Guid.NewGuid().ToString("N");
        var connectionString = await redis.ConnectionStringAsync();
        var (first, polls) = await InstanceAsync(connectionString, scope, 2, TimeSpan.FromMilliseconds(500));
        var (second, submits) = await InstanceAsync(connectionString, scope, 2, TimeSpan.FromMilliseconds(500));
        await using (first)
        await using (second)
        {
            // The window is full; polls wait on the first instance, then a submission on the second.
            await polls.AcquireAsync(UpstreamCallKind.Poll, Ct);
            await polls.AcquireAsync(UpstreamCallKind.Poll, Ct);
            var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var waitingPolls = Enumerable.Range(0, 4).Select(async i =>
            {
                await polls.AcquireAsync(UpstreamCallKind.Poll, Ct);
                order.Enqueue("poll");
            }).ToArray();
            await submits.AcquireAsync(UpstreamCallKind.Submit, Ct);
            order.Enqueue("submit");
            await Task.WhenAll(waitingPolls);

            // At most the one poll that may have been granted in the same instant as the submission's first try.
            Assert.True(order.TakeWhile(o => o == "poll").Count() <= 1, string.Join(", ", order));
        }
    }

    [Fact]
    public async Task While_Redis_is_down_no_slot_is_granted_and_calls_go_on_when_it_is_back()
    {
        await using var own = new RedisServer();
        var (connection, gate) = await InstanceAsync(await own.ConnectionStringAsync(), Guid.NewGuid().ToString("N"), 10, TimeSpan.FromSeconds(1));
        await using (connection)
        {
            await gate.AcquireAsync(UpstreamCallKind.Poll, Ct);
            await own.StopAsync();

            var call = gate.AcquireAsync(UpstreamCallKind.Submit, Ct).AsTask();
            await TestApp.UntilAsync(() => gate.Unreachable, TimeSpan.FromSeconds(20), "the gate finds Redis unreachable");
            Assert.False(call.IsCompleted); // nothing goes to reAPI uncounted

            await own.StartAsync();
            await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.False(gate.Unreachable);
        }
    }
}
