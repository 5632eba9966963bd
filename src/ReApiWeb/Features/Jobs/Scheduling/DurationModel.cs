namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>
/// A log-normal distribution of how long tasks run upstream: what the scheduler plans polls with and the job page
/// estimates with.
/// </summary>
public sealed record DurationFit(double Mu, double Sigma, int Samples)
{
    public static DurationFit Around(TimeSpan median, double sigma = DurationModel.PriorSigma) =>
        new(Math.Log(Math.Max(median.TotalSeconds, 0.1)), sigma, 0);

    public TimeSpan Median => TimeSpan.FromSeconds(Math.Exp(Mu));

    /// <summary>P(duration ≤ <paramref name="age"/>).</summary>
    public double Cdf(TimeSpan age) => age <= TimeSpan.Zero ? 0 : Normal.Cdf((Math.Log(age.TotalSeconds) - Mu) / Sigma);
}

/// <summary>
/// What is known about how long one model's tasks run upstream, per duration class (the request parameters that drive
/// the duration: see <c>ModelSpec.DurationClass</c>). Each class is log-normal; the fit is by maximum likelihood over
/// what the polls actually saw: a finished task ran between the last poll that found it running and the poll that found
/// it done (an interval, not a guessed point), and a task still running has run at least as long as when it was last seen
/// running (so a wrong first guess corrects itself with the first slow tasks, before any finishes). Classes with little
/// data are pulled towards the model's mean; the model starts from the catalog's typical duration, worth
/// <see cref="PriorWeight"/> observations. Thread-safe.
/// </summary>
public sealed class DurationModel
{
    public const int MaxSamples = 256;
    public const double PriorSigma = 0.6;

    /// <summary>How many observations the catalog's typical duration is worth.</summary>
    private const double PriorWeight = 2;

    /// <summary>How many observations a class needs before its own mean counts as much as the model's.</summary>
    private const double ClassPooling = 5;

    private readonly Lock _lock = new();
    private readonly Queue<Observation> _finished = new();
    private readonly Dictionary<Guid, Observation> _running = [];
    private readonly double _priorMu;
    private Dictionary<string, DurationFit> _classes = new(StringComparer.Ordinal);
    private DurationFit _model;
    private bool _dirty;

    public DurationModel(TimeSpan typical)
    {
        _model = DurationFit.Around(typical);
        _priorMu = _model.Mu;
    }

    /// <summary>How many finished tasks are kept (the most recent <see cref="MaxSamples"/>).</summary>
    public int Samples
    {
        get
        {
            lock (_lock)
            {
                return _finished.Count;
            }
        }
    }

    /// <summary>The model's middle duration over all its classes.</summary>
    public TimeSpan Median => For(null).Median;

    /// <summary>A task that ran exactly <paramref name="duration"/> (a figure from before intervals were kept).</summary>
    public void Observe(TimeSpan duration, string durationClass = "") => Observe(duration, duration, durationClass);

    /// <summary>A task that ran as long as <paramref name="ran"/> says (seen running, then seen done).</summary>
    public void Observe(UpstreamDuration ran, string durationClass = "") => Observe(ran.AtLeast, ran.AtMost, durationClass);

    /// <summary>A task that finished after <paramref name="atLeast"/> and by <paramref name="atMost"/>.</summary>
    public void Observe(TimeSpan atLeast, TimeSpan atMost, string durationClass = "")
    {
        if (atMost <= TimeSpan.Zero || atMost < atLeast)
        {
            return;
        }

        lock (_lock)
        {
            _finished.Enqueue(new Observation(durationClass, LogOf(atLeast), Math.Log(atMost.TotalSeconds)));
            if (_finished.Count > MaxSamples)
            {
                _finished.Dequeue();
            }

            _dirty = true;
        }
    }

    /// <summary>A task in flight was seen running at <paramref name="age"/>: it runs at least that long.</summary>
    public void Running(Guid jobId, TimeSpan age, string durationClass = "")
    {
        if (age <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            _running[jobId] = new Observation(durationClass, Math.Log(age.TotalSeconds), double.PositiveInfinity);
            _dirty = true;
        }
    }

    /// <summary>The task is no longer followed (finished, failed, cancelled, stalled).</summary>
    public void Forget(Guid jobId)
    {
        lock (_lock)
        {
            _dirty |= _running.Remove(jobId);
        }
    }

    /// <summary>The distribution of <paramref name="durationClass"/>; the model's own for null or a class not seen yet.</summary>
    public DurationFit For(string? durationClass)
    {
        lock (_lock)
        {
            if (_dirty)
            {
                Refit();
                _dirty = false;
            }

            return durationClass is not null && _classes.TryGetValue(durationClass, out var fit) ? fit : _model;
        }
    }

    /// <summary>P(duration ≤ <paramref name="age"/>) over the whole model.</summary>
    public double Cdf(TimeSpan age) => For(null).Cdf(age);

    /// <summary>
    /// Expectation–maximisation for censored normal data in log space, started from the last fit so a few rounds do.
    /// Each class has its own mean, pulled towards the model's; the spread within a class is shared.
    /// </summary>
    private void Refit()
    {
        var data = new List<Observation>(_finished.Count + _running.Count);
        data.AddRange(_finished);
        data.AddRange(_running.Values);
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var observation in data)
        {
            means.TryAdd(observation.Class, _classes.TryGetValue(observation.Class, out var known) ? known.Mu : _model.Mu);
        }

        var (modelMu, sigma) = (_model.Mu, _model.Sigma);
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        for (var round = 0; round < 50; round++)
        {
            sums.Clear();
            var squares = 0.0;
            foreach (var observation in data)
            {
                var mu = means[observation.Class];
                var (mean, variance) = Normal.Truncated(mu, sigma, observation.Low, observation.High);
                var (sum, count) = sums.GetValueOrDefault(observation.Class);
                sums[observation.Class] = (sum + mean, count + 1);
                squares += ((mean - mu) * (mean - mu)) + variance;
            }

            var newModelMu = ((PriorWeight * _priorMu) + sums.Values.Sum(s => s.Sum)) / (PriorWeight + data.Count);
            var newSigma = Math.Clamp(Math.Sqrt(((PriorWeight * PriorSigma * PriorSigma) + squares) / (PriorWeight + data.Count)), 0.02, 3);
            var moved = Math.Abs(newModelMu - modelMu) + Math.Abs(newSigma - sigma);
            foreach (var (name, (sum, count)) in sums)
            {
                var mean = (sum + (ClassPooling * newModelMu)) / (count + ClassPooling);
                moved += Math.Abs(mean - means[name]);
                means[name] = mean;
            }

            (modelMu, sigma) = (newModelMu, newSigma);
            if (moved < 1e-6)
            {
                break;
            }
        }

        var finished = _finished.CountBy(o => o.Class).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        _model = new DurationFit(modelMu, sigma, _finished.Count);
        _classes = means.ToDictionary(m => m.Key, m => new DurationFit(m.Value, sigma, finished.GetValueOrDefault(m.Key)), StringComparer.Ordinal);
    }

    private static double LogOf(TimeSpan seconds) => seconds > TimeSpan.Zero ? Math.Log(seconds.TotalSeconds) : double.NegativeInfinity;

    /// <summary>log(duration) lies in (Low, High]; equal bounds: known exactly; High = +∞: still running at Low.</summary>
    private readonly record struct Observation(string Class, double Low, double High);
}

/// <summary>The duration models of all models, learned from finished jobs (loaded from the database at start).</summary>
public sealed class DurationBook(Func<string, TimeSpan> typicalOf)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DurationModel> _models = new(StringComparer.Ordinal);

    public DurationModel For(string modelId) => _models.GetOrAdd(modelId, id => new DurationModel(typicalOf(id)));

    /// <summary>The distribution the task's duration is drawn from: its model's, for its duration class.</summary>
    public DurationFit For(PollTarget target) => For(target.ModelId).For(target.DurationClass);

    /// <summary>Forgets what was learned (a new leader term relearns from the database, which holds every instance's jobs).</summary>
    public void Forget() => _models.Clear();
}

/// <summary>The standard normal distribution, accurate in the tails (what censored fits need).</summary>
internal static class Normal
{
    private static readonly double InverseSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>Highest power first.</summary>
    private static readonly double[] ErfcCoefficients =
        [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    public static double Pdf(double z) => double.IsInfinity(z) ? 0 : InverseSqrt2Pi * Math.Exp(-0.5 * z * z);

    /// <summary>Mean and variance of N(<paramref name="mu"/>, <paramref name="sigma"/>²) restricted to (low, high]; equal bounds: that point.</summary>
    public static (double Mean, double Variance) Truncated(double mu, double sigma, double low, double high)
    {
        if (high <= low)
        {
            return (high, 0);
        }

        var alpha = Math.Clamp((low - mu) / sigma, -38, 38);
        var beta = Math.Clamp((high - mu) / sigma, -38, 38);
        // The mass between, from whichever tail keeps its precision.
        var mass = alpha > 0 ? Cdf(-alpha) - Cdf(-beta) : Cdf(beta) - Cdf(alpha);
        if (mass < 1e-300)
        {
            var point = double.IsPositiveInfinity(high) ? low : double.IsNegativeInfinity(low) ? high : (low + high) / 2;
            return (point, 0);
        }

        var (pa, pb) = (Pdf(alpha), Pdf(beta));
        var first = (pa - pb) / mass;
        var second = ((double.IsNegativeInfinity(low) ? 0 : alpha * pa) - (double.IsPositiveInfinity(high) ? 0 : beta * pb)) / mass;
        return (mu + (sigma * first), sigma * sigma * Math.Max(1 + second - (first * first), 0));
    }

    /// <summary>The complementary error function with a relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc).</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var polynomial = 0.0;
        foreach (var c in ErfcCoefficients)
        {
            polynomial = (polynomial * t) + c;
        }

        var r = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? r : 2 - r;
    }
}
