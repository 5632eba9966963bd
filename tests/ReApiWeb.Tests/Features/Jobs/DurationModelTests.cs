using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class DurationModelTests
{
    [Fact]
    public void Without_history_the_typical_duration_is_the_median()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(30));
        Assert.Equal(0.5, model.Cdf(TimeSpan.FromSeconds(30)), 3);
        Assert.True(model.Cdf(TimeSpan.FromSeconds(10)) < 0.05);
        Assert.True(model.Cdf(TimeSpan.FromSeconds(90)) > 0.95);
    }

    [Fact]
    public void Observed_durations_move_the_distribution()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 200; i++)
        {
            model.Observe(TimeSpan.FromSeconds(100 + (i % 20)));
        }

        Assert.True(model.Cdf(TimeSpan.FromSeconds(60)) < 0.05);
        Assert.True(model.Cdf(TimeSpan.FromSeconds(125)) > 0.9);
    }

    [Fact]
    public void Only_the_most_recent_samples_are_kept()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(30));
        for (var i = 0; i < DurationModel.MaxSamples + 50; i++)
        {
            model.Observe(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(DurationModel.MaxSamples, model.Samples);
    }

    [Fact]
    public void The_median_is_the_typical_duration_until_samples_exist()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), model.Median);
        foreach (var seconds in new[] { 50, 70, 60 })
        {
            model.Observe(TimeSpan.FromSeconds(seconds));
        }

        Assert.Equal(TimeSpan.FromSeconds(60), model.Median);
    }
}
