using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class PollScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private static PollTarget Target(string task) => new(Guid.NewGuid(), Guid.NewGuid(), task, "gpt-image-2", DateTimeOffset.UnixEpoch);

    [Fact]
    public void Tasks_come_due_in_time_order_and_not_before()
    {
        var schedule = new PollSchedule(_time);
        var late = Target("task_late_000000");
        var early = Target("task_early_00000");
        schedule.Schedule(late, _time.GetUtcNow().AddSeconds(5));
        schedule.Schedule(early, _time.GetUtcNow().AddSeconds(2));

        Assert.False(schedule.TryTakeDue(out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(schedule.TryTakeDue(out var first));
        Assert.Equal(early, first);
        Assert.False(schedule.TryTakeDue(out _));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(schedule.TryTakeDue(out var second));
        Assert.Equal(late, second);
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public void Rescheduling_replaces_the_earlier_plan_and_removing_forgets_the_task()
    {
        var schedule = new PollSchedule(_time);
        var moved = Target("task_moved_00000");
        var removed = Target("task_removed_000");
        schedule.Schedule(moved, _time.GetUtcNow().AddSeconds(1));
        schedule.Schedule(moved, _time.GetUtcNow().AddSeconds(10));
        schedule.Schedule(removed, _time.GetUtcNow().AddSeconds(1));
        schedule.Remove(removed.JobId);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(schedule.TryTakeDue(out _));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(schedule.TryTakeDue(out var target));
        Assert.Equal(moved, target);
    }

    [Fact]
    public async Task Waiting_ends_when_the_earliest_task_comes_due()
    {
        var schedule = new PollSchedule(_time);
        schedule.Schedule(Target("task_waited_0000"), _time.GetUtcNow().AddSeconds(3));

        var wait = schedule.WaitAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Waiting_ends_at_once_when_a_new_task_is_scheduled()
    {
        var schedule = new PollSchedule(_time);
        var wait = schedule.WaitAsync(TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);

        schedule.Schedule(Target("task_new_0000000"), _time.GetUtcNow());

        await wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }
}
