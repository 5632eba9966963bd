using System.Text.Json.Nodes;
using ReApi.Client.Catalog;
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
        Assert.Equal(TimeSpan.FromSeconds(30), model.Median);
    }

    /// <summary>
    /// What polls see of a finished task is an interval (running at the last poll, done at this one). Taken as the
    /// middle of that interval, durations looked spread by the poll schedule itself; fitted as intervals, the
    /// distribution comes back as it is.
    /// </summary>
    [Fact]
    public void Durations_seen_only_between_polls_give_back_the_true_distribution()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(15));
        var random = new Random(3);
        for (var i = 0; i < DurationModel.MaxSamples; i++)
        {
            var duration = 60 * Math.Exp(0.45 * Gaussian(random));
            var gap = 4 + (8 * random.NextDouble()); // polls every 4 to 12 s, at a random phase
            var atLeast = Math.Max(0, duration - (gap * random.NextDouble()));
            model.Observe(TimeSpan.FromSeconds(atLeast), TimeSpan.FromSeconds(atLeast + gap));
        }

        var fit = model.For(null);
        Assert.InRange(fit.Median.TotalSeconds, 56, 64);
        Assert.InRange(fit.Sigma, 0.4, 0.5);
    }

    /// <summary>
    /// The catalog's guess can be far off (15 s for a model that takes a minute). Tasks still running past it are
    /// evidence too: before a single one finishes, the model has moved beyond the ages they were seen running at.
    /// </summary>
    [Fact]
    public void Tasks_seen_running_past_a_wrong_guess_correct_it_before_any_finishes()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(15));
        for (var i = 0; i < 8; i++)
        {
            model.Running(Guid.NewGuid(), TimeSpan.FromSeconds(40 + i));
        }

        Assert.True(model.Median > TimeSpan.FromSeconds(40), $"median {model.Median}");
        Assert.Equal(0, model.Samples);
    }

    [Fact]
    public void A_task_no_longer_followed_is_no_longer_evidence()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(15));
        var jobs = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        foreach (var job in jobs)
        {
            model.Running(job, TimeSpan.FromSeconds(60));
        }

        jobs.ForEach(model.Forget);

        Assert.Equal(TimeSpan.FromSeconds(15), model.Median);
    }

    /// <summary>Four 4k images take longer than one 1k image: each duration class has its own distribution, and a class seen rarely leans on its model's.</summary>
    [Fact]
    public void Each_duration_class_has_its_own_distribution_pooled_towards_the_models_when_data_is_thin()
    {
        var model = new DurationModel(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 60; i++)
        {
            model.Observe(TimeSpan.FromSeconds(19 + (i % 3)), "resolution=1k;n=1");
            model.Observe(TimeSpan.FromSeconds(89 + (i % 3)), "resolution=4k;n=4");
        }

        model.Observe(TimeSpan.FromSeconds(300), "resolution=2k;n=2");

        Assert.InRange(model.For("resolution=1k;n=1").Median.TotalSeconds, 18, 22);
        Assert.InRange(model.For("resolution=4k;n=4").Median.TotalSeconds, 85, 95);
        var rare = model.For("resolution=2k;n=2").Median.TotalSeconds;
        var whole = model.For(null).Median.TotalSeconds;
        Assert.InRange(rare, whole * 1.1, 299); // moved towards its one sample, not all the way
        Assert.Equal(model.For(null), model.For("resolution=8k;n=9")); // a class never seen: the model's
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
        Assert.InRange(model.Median.TotalSeconds, 4.5, 5.5);
    }

    [Fact]
    public void A_requests_duration_class_is_made_of_the_fields_that_drive_how_long_it_runs()
    {
        var gpt = ModelCatalog.Default.Find("gpt-image-2-official")!;
        var body = new JsonObject { ["prompt"] = "a fox", ["resolution"] = "4k", ["size"] = "16:9", ["n"] = 4, ["background"] = "opaque" };

        Assert.Equal("size=16:9;resolution=4k;quality=auto;n=4", gpt.DurationClass(body)); // defaults count, the prompt and background do not
        Assert.Equal("", ModelCatalog.Default.Find("z-image")!.DurationClass(new JsonObject { ["prompt"] = "a fox", ["aspect_ratio"] = "16:9" })); // no such field: one class
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
