using Microsoft.Extensions.Options;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class PollPlannerTests
{
    private readonly PollPlanner _planner = new(Options.Create(new PollingOptions()));

    [Theory]
    [InlineData(5, 1.5)]     // short tasks: never faster than reAPI's 1.5 s per task
    [InlineData(30, 3)]      // a tenth of the typical duration
    [InlineData(300, 10)]    // long tasks: never slower than the max interval
    public void Polls_about_a_tenth_of_the_typical_duration_within_bounds(double typicalSeconds, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), _planner.NextDelay(TimeSpan.FromSeconds(typicalSeconds), TimeSpan.Zero, 0));
    }

    [Fact]
    public void Tasks_far_past_their_typical_time_are_polled_half_as_often()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), _planner.NextDelay(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(91), 0));
    }

    [Fact]
    public void Errors_back_off_exponentially_up_to_the_cap()
    {
        var typical = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(6), _planner.NextDelay(typical, TimeSpan.Zero, 1));
        Assert.Equal(TimeSpan.FromSeconds(12), _planner.NextDelay(typical, TimeSpan.Zero, 2));
        Assert.Equal(TimeSpan.FromSeconds(60), _planner.NextDelay(typical, TimeSpan.Zero, 30));
    }

    [Fact]
    public void A_task_is_stalled_only_long_after_its_typical_time()
    {
        var typical = TimeSpan.FromSeconds(30);
        Assert.False(_planner.IsStalled(typical, TimeSpan.FromMinutes(29)));
        Assert.True(_planner.IsStalled(typical, TimeSpan.FromMinutes(31)));
        Assert.False(_planner.IsStalled(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(150)));
    }
}
