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
