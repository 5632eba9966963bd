namespace ReApiWeb.Benchmarks;

/// <summary>
/// The least mean delay (a task finishing → it is seen) any poll schedule can reach with a given mean number of polls
/// per task, when durations follow a known distribution. The per-second budget is relaxed to that average, so each task
/// can have its own best schedule: found by dynamic programming over time, minimising expected delay + λ × expected
/// polls, with λ chosen by bisection so that the polls per task match (mixing the two schedules around the target,
/// which a randomised policy can do, interpolates linearly). The minimum interval between two polls of a task and the
/// longest gap apply as they do to the scheduler. No scheduler that knows only the distribution can do better.
/// </summary>
internal static class PollBound
{
    public sealed record Result(double MeanDelaySeconds, double PollsPerTask);

    /// <param name="cdf">P(duration ≤ t seconds).</param>
    /// <param name="step">The time grid, in seconds.</param>
    public static Result For(Func<double, double> cdf, double pollsPerTask, double minInterval, double maxGap, double step = 0.05) =>
        For([(1.0, cdf)], pollsPerTask, minInterval, maxGap, step);

    /// <summary>
    /// The bound for a mix of kinds of job a scheduler can tell apart (each with its share of the jobs and its own
    /// distribution): every kind gets its own best schedule for one common λ, so a poll is worth the same wherever it goes.
    /// </summary>
    public static Result For(IReadOnlyList<(double Share, Func<double, double> Cdf)> kinds, double pollsPerTask, double minInterval, double maxGap, double step = 0.05)
    {
        var grids = kinds.Select(k => (k.Share, Grid: new Grid(k.Cdf, step, (int)Math.Round(minInterval / step), (int)Math.Round(maxGap / step)))).ToList();
        var total = grids.Sum(g => g.Share);
        Result Solve(double lambda)
        {
            var results = grids.Select(g => (g.Share, Result: g.Grid.Solve(lambda))).ToList();
            return new Result(results.Sum(r => r.Share * r.Result.MeanDelaySeconds) / total, results.Sum(r => r.Share * r.Result.PollsPerTask) / total);
        }

        double low = 0, high = 1;
        while (Solve(high).PollsPerTask > pollsPerTask)
        {
            high *= 2;
        }

        // Bisection: polls fall as λ grows; keep the schedules just above and just below the target.
        var above = Solve(low);
        var below = Solve(high);
        if (above.PollsPerTask <= pollsPerTask)
        {
            return above; // even polling as often as allowed uses no more than the target
        }

        for (var i = 0; i < 60 && high - low > 1e-9; i++)
        {
            var middle = (low + high) / 2;
            var result = Solve(middle);
            if (result.PollsPerTask > pollsPerTask)
            {
                (low, above) = (middle, result);
            }
            else
            {
                (high, below) = (middle, result);
            }
        }

        var share = above.PollsPerTask == below.PollsPerTask ? 1 : (pollsPerTask - below.PollsPerTask) / (above.PollsPerTask - below.PollsPerTask);
        return new Result((share * above.MeanDelaySeconds) + ((1 - share) * below.MeanDelaySeconds), pollsPerTask);
    }

    /// <summary>P(duration ≤ t) for durations log-normal around <paramref name="median"/> seconds, as the benchmark's sandbox draws them.</summary>
    public static Func<double, double> LogNormal(double median, double sigma)
    {
        var fit = new ReApiWeb.Features.Jobs.Scheduling.DurationFit(Math.Log(median), sigma, 0);
        return t => fit.Cdf(TimeSpan.FromSeconds(t));
    }

    private sealed class Grid
    {
        private readonly double[] _time;
        private readonly double[] _cdf;
        private readonly double[] _partial; // ∫₀ᵗ x f(x) dx
        private readonly int _minSteps;
        private readonly int _maxSteps;

        public Grid(Func<double, double> cdf, double step, int minSteps, int maxSteps)
        {
            var horizon = step;
            while (1 - cdf(horizon) > 1e-9)
            {
                horizon *= 1.25;
            }

            var n = (int)Math.Ceiling(horizon / step) + 1;
            (_time, _cdf, _partial) = (new double[n], new double[n], new double[n]);
            for (var i = 0; i < n; i++)
            {
                _time[i] = i * step;
                _cdf[i] = cdf(_time[i]);
                _partial[i] = i == 0 ? 0 : _partial[i - 1] + ((_time[i] - (step / 2)) * (_cdf[i] - _cdf[i - 1]));
            }

            (_minSteps, _maxSteps) = (Math.Max(1, minSteps), Math.Max(1, maxSteps));
        }

        /// <summary>
        /// The best schedule for <paramref name="lambda"/> (seconds of delay one poll is worth). Values are kept multiplied
        /// by P(still running at t), so the cost of the next poll at j after one at i is λ·S(i) + ∫ᵢʲ (tⱼ − x) f(x) dx.
        /// </summary>
        public PollBound.Result Solve(double lambda)
        {
            var n = _time.Length;
            var value = new double[n];
            var polls = new double[n];
            var delay = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var survival = 1 - _cdf[i];
                if (i == n - 1)
                {
                    (value[i], polls[i], delay[i]) = (lambda * survival, survival, 0);
                    continue;
                }

                var best = double.PositiveInfinity;
                var choice = n - 1;
                var last = Math.Min(n - 1, i + _maxSteps);
                for (var j = Math.Min(n - 1, i + _minSteps); j <= last; j++)
                {
                    var cost = Wait(i, j) + value[j];
                    if (cost < best)
                    {
                        (best, choice) = (cost, j);
                    }
                }

                value[i] = (lambda * survival) + best;
                polls[i] = survival + polls[choice];
                delay[i] = Wait(i, choice) + delay[choice];
            }

            return new PollBound.Result(delay[0], polls[0]);
        }

        /// <summary>∫ from tᵢ to tⱼ of (tⱼ − x) f(x) dx: the delay of finishing between two polls, weighted by its chance.</summary>
        private double Wait(int i, int j) => (_time[j] * (_cdf[j] - _cdf[i])) - (_partial[j] - _partial[i]);
    }
}
