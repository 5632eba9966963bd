namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>
/// What is known about how long one model's tasks run upstream: a log-normal prior around the catalog's typical
/// duration, blended with the empirical distribution of the durations observed so far (the most recent ones).
/// </summary>
public sealed class DurationModel
{
    public const int MaxSamples = 256;
    private const double PriorSigma = 0.6;
    private const double PriorWeight = 10;

    private readonly Lock _lock = new();
    private readonly Queue<double> _recent = new();
    private readonly TimeSpan _typical;
    private double[] _sorted = [];

    public DurationModel(TimeSpan typical) => _typical = typical;

    public int Samples
    {
        get
        {
            lock (_lock)
            {
                return _sorted.Length;
            }
        }
    }

    /// <summary>The middle duration: of the observed samples once there are a few, else the catalog's typical one.</summary>
    public TimeSpan Median
    {
        get
        {
            lock (_lock)
            {
                return _sorted.Length >= 3 ? TimeSpan.FromSeconds(_sorted[_sorted.Length / 2]) : _typical;
            }
        }
    }

    public void Observe(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            _recent.Enqueue(duration.TotalSeconds);
            if (_recent.Count > MaxSamples)
            {
                _recent.Dequeue();
            }

            _sorted = [.. _recent.Order()];
        }
    }

    /// <summary>P(duration ≤ <paramref name="age"/>).</summary>
    public double Cdf(TimeSpan age)
    {
        var t = age.TotalSeconds;
        if (t <= 0)
        {
            return 0;
        }

        double[] sorted;
        lock (_lock)
        {
            sorted = _sorted;
        }

        var median = sorted.Length >= 3 ? sorted[sorted.Length / 2] : _typical.TotalSeconds;
        var prior = LogNormalCdf(t, median, PriorSigma);
        if (sorted.Length == 0)
        {
            return prior;
        }

        var weight = sorted.Length / (sorted.Length + PriorWeight);
        return (weight * EmpiricalCdf(sorted, t)) + ((1 - weight) * prior);
    }

    private static double EmpiricalCdf(double[] sorted, double t)
    {
        if (t < sorted[0])
        {
            return t / sorted[0] / (sorted.Length + 1);
        }

        if (t >= sorted[^1])
        {
            return 1;
        }

        var index = Array.BinarySearch(sorted, t);
        if (index < 0)
        {
            index = ~index - 1;
        }

        // Linear between neighbouring samples, so the function has no flat steps for the scheduler to stall on.
        var lower = sorted[index];
        var upper = sorted[Math.Min(index + 1, sorted.Length - 1)];
        var within = upper > lower ? (t - lower) / (upper - lower) : 0;
        return (index + 1 + within) / sorted.Length;
    }

    /// <summary>P(duration ≤ <paramref name="t"/>) for durations log-normal around <paramref name="median"/> (t &gt; 0).</summary>
    public static double LogNormalCdf(double t, double median, double sigma) =>
        0.5 * (1 + Erf((Math.Log(t) - Math.Log(median)) / (sigma * Math.Sqrt(2))));

    /// <summary>Abramowitz and Stegun 7.1.26 (error below 1.5e-7).</summary>
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + (0.3275911 * x));
        var y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}

/// <summary>The duration models of all models, learned from finished jobs (loaded from the database at start).</summary>
public sealed class DurationBook(Func<string, TimeSpan> typicalOf)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DurationModel> _models = new(StringComparer.Ordinal);

    public DurationModel For(string modelId) => _models.GetOrAdd(modelId, id => new DurationModel(typicalOf(id)));

    public void Observe(string modelId, TimeSpan duration) => For(modelId).Observe(duration);

    /// <summary>Forgets what was learned (a new leader term relearns from the database, which holds every instance's jobs).</summary>
    public void Forget() => _models.Clear();
}
