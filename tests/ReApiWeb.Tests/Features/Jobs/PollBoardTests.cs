using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class PollBoardTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly PollingOptions _options = new();
    private readonly PollBoard _board;

    public PollBoardTests() =>
        _board = new PollBoard(new DurationBook(_ => TimeSpan.FromSeconds(60)), Options.Create(_options), _time);

    private PollTarget Add(TimeSpan age, TimeSpan? sincePoll = null)
    {
        var now = _time.GetUtcNow();
        var target = new PollTarget(Guid.NewGuid(), Guid.NewGuid(), "task_" + Guid.NewGuid().ToString("N"), "video-model", now - age);
        _board.Add(target, now - (sincePoll ?? age));
        return target;
    }

    /// <summary>
    /// The catalog's first guess was far from the real duration (15 s for tasks still running at 45 s): the board's
    /// polls that find tasks running teach the model before any task finishes, so the scheduler stops planning for 15 s.
    /// </summary>
    [Fact]
    public void Tasks_seen_running_past_a_wrong_guess_correct_it_before_any_finishes()
    {
        var durations = new DurationBook(_ => TimeSpan.FromSeconds(15));
        var board = new PollBoard(durations, Options.Create(_options), _time);
        for (var i = 0; i < 8; i++)
        {
            board.Add(new PollTarget(Guid.NewGuid(), Guid.NewGuid(), "task_" + i, "m", _time.GetUtcNow().AddSeconds(-45)));
        }

        while (board.PickNext(out _, take: true, minimumWorth: 0) is { } target)
        {
            board.PolledRunning(target.JobId, stalled: false);
        }

        Assert.True(durations.For("m").Median > TimeSpan.FromSeconds(40), $"median {durations.For("m").Median}");
    }

    [Fact]
    public void A_young_task_is_not_worth_a_request()
    {
        Add(TimeSpan.FromSeconds(3));
        Assert.Null(_board.PickNext(out var nextCheck));
        Assert.True(nextCheck <= _options.Tick);
    }

    [Fact]
    public void The_task_most_likely_to_be_waiting_unseen_is_polled_first()
    {
        Add(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        var likely = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Add(TimeSpan.FromSeconds(65), TimeSpan.FromSeconds(2));

        Assert.Equal(likely, _board.PickNext(out _));
    }

    /// <summary>reAPI counts the spacing of requests; an answer that took 400 ms must not push the next poll 400 ms further.</summary>
    [Fact]
    public void The_next_poll_is_spaced_from_when_the_last_one_left_not_from_its_answer()
    {
        var target = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Equal(target, _board.PickNext(out _));
        var sentAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(400));
        _board.PolledRunning(target.JobId, stalled: false, sentAt);

        _time.Advance(_options.MinInterval - TimeSpan.FromMilliseconds(400));
        Assert.Equal(target, _board.PickNext(out _, minimumWorth: 0));
    }

    [Fact]
    public void A_task_is_never_polled_twice_within_the_minimum_interval()
    {
        var target = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Equal(target, _board.PickNext(out _));
        _board.PolledRunning(target.JobId, stalled: false);

        Assert.Null(_board.PickNext(out var nextCheck, minimumWorth: 0));
        Assert.True(nextCheck <= _options.MinInterval);
        _time.Advance(_options.MinInterval);
        Assert.Equal(target, _board.PickNext(out _, minimumWorth: 0));
    }

    [Fact]
    public void A_task_just_seen_running_becomes_worth_a_poll_again_as_time_passes()
    {
        var target = Add(TimeSpan.FromSeconds(70), TimeSpan.Zero);
        _time.Advance(_options.MinInterval);
        Assert.Null(_board.PickNext(out _));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(target, _board.PickNext(out _));
    }

    [Fact]
    public void A_task_being_polled_is_not_handed_out_again()
    {
        var target = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Equal(target, _board.PickNext(out _));
        Assert.Null(_board.PickNext(out _));
    }

    [Fact]
    public void Peeking_does_not_take_the_task()
    {
        var target = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Equal(target, _board.PickNext(out _, take: false));
        Assert.Equal(target, _board.PickNext(out _));
    }

    [Fact]
    public void No_task_waits_longer_than_the_cap_even_a_stalled_one()
    {
        var now = _time.GetUtcNow();
        var stalled = new PollTarget(Guid.NewGuid(), Guid.NewGuid(), "task_stalled_00000", "video-model", now - TimeSpan.FromHours(2));
        _board.Add(stalled, now, stalled: true);

        _time.Advance(_options.MaxGap - TimeSpan.FromSeconds(1));
        Assert.Null(_board.PickNext(out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(stalled, _board.PickNext(out _));
    }

    [Fact]
    public void A_failed_poll_delays_only_that_task_with_growing_backoff()
    {
        var failing = Add(TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(20));
        var other = Add(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Equal(failing, _board.PickNext(out _));
        Assert.Equal(1, _board.PollFailed(failing.JobId));

        Assert.Equal(other, _board.PickNext(out _));
        _time.Advance(_options.MinInterval * 2);
        Assert.Equal(failing, _board.PickNext(out _));
        Assert.Equal(2, _board.PollFailed(failing.JobId));
        _time.Advance(_options.MinInterval * 3);
        Assert.Null(_board.PickNext(out _));
    }

    [Fact]
    public void Failed_polls_never_hold_a_task_back_longer_than_the_error_backoff_cap()
    {
        var failing = Add(TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(20));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(failing, _board.PickNext(out _, minimumWorth: 0));
            _board.PollFailed(failing.JobId);
            _time.Advance(_options.MaxErrorBackoff);
        }

        Assert.Equal(failing, _board.PickNext(out _, minimumWorth: 0));
    }
}
