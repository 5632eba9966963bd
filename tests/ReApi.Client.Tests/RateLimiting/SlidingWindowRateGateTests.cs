using Microsoft.Extensions.Time.Testing;
using ReApi.Client.RateLimiting;

namespace ReApi.Client.Tests.RateLimiting;

public sealed class SlidingWindowRateGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Grants_up_to_the_limit_then_waits_for_the_window_to_slide()
    {
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), _time);
        for (var i = 0; i < 10; i++)
        {
            await gate.AcquireAsync(UpstreamCallKind.Poll, TestContext.Current.CancellationToken);
        }

        var eleventh = gate.AcquireAsync(UpstreamCallKind.Poll, TestContext.Current.CancellationToken).AsTask();
        Assert.False(eleventh.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(eleventh.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await eleventh.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(1, gate.InWindow);
    }

    /// <summary>
    /// reAPI counts a call when it arrives, which may be long after its slot was granted (a new connection, a busy
    /// machine): a slot taken for a call counts from its grant until the call is answered, then for a window more, so
    /// calls granted meanwhile can never arrive in one second with it.
    /// </summary>
    [Fact]
    public async Task A_call_counts_until_it_is_answered_then_for_a_window()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new SlidingWindowRateGate(2, TimeSpan.FromSeconds(1), _time);
        var first = await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Poll, ct);
        using var second = await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Poll, ct);

        var third = gate.AcquireAsync(UpstreamCallKind.Poll, ct).AsTask();
        for (var i = 0; i < 15; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100)); // 1.5 s: past the window, but both calls are still out
        }

        Assert.False(third.IsCompleted);

        first.Dispose(); // answered at 1.5 s: it counts until 2.5 s
        for (var i = 0; i < 9; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await third.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task Pause_holds_every_call_until_it_ends()
    {
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), _time);
        gate.Pause(TimeSpan.FromSeconds(2));

        var call = gate.AcquireAsync(UpstreamCallKind.Submit, TestContext.Current.CancellationToken).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(call.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        await call.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_waiting_submission_is_served_before_waiting_polls()
    {
        var gate = new SlidingWindowRateGate(1, TimeSpan.FromSeconds(1), _time);
        await gate.AcquireAsync(UpstreamCallKind.Poll, TestContext.Current.CancellationToken);

        var poll = gate.AcquireAsync(UpstreamCallKind.Poll, TestContext.Current.CancellationToken).AsTask();
        var submit = gate.AcquireAsync(UpstreamCallKind.Submit, TestContext.Current.CancellationToken).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1));
        await submit.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        for (var i = 0; i < 10 && !poll.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20)); // the poll yields to the submission and retries
        }

        Assert.False(poll.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await poll.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Available_counts_free_slots_and_is_zero_while_paused()
    {
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), _time);
        await gate.AcquireAsync(UpstreamCallKind.Poll, TestContext.Current.CancellationToken);
        await gate.AcquireAsync(UpstreamCallKind.Submit, TestContext.Current.CancellationToken);
        Assert.Equal(8, await gate.AvailableAsync(TestContext.Current.CancellationToken));

        gate.Pause(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await gate.AvailableAsync(TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, await gate.AvailableAsync(TestContext.Current.CancellationToken));
    }
}
