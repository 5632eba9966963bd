using System.Globalization;

namespace ReApiWeb.Benchmarks;

public static class Report
{
    public static void Print(IReadOnlyList<ArmResult> results, TextWriter output)
    {
        var rows = new (string Label, Func<ArmResult, string> Value)[]
        {
            ("jobs accepted by reAPI", r => r.Submitted.ToString(CultureInfo.InvariantCulture)),
            ("jobs still not accepted at the end", r => r.NotSubmittedInTime.ToString(CultureInfo.InvariantCulture)),
            ("completions seen", r => r.Detected.ToString(CultureInfo.InvariantCulture)),
            ("peak tasks in flight", r => r.PeakInFlight.ToString(CultureInfo.InvariantCulture)),
            ("mean delay completion -> seen (s)", r => F(Mean(r.DelaysSeconds))),
            ("p95 delay (s)", r => F(Percentile(r.DelaysSeconds, 0.95))),
            ("max delay (s)", r => F(r.DelaysSeconds.DefaultIfEmpty().Max())),
            ("429 responses", r => r.RateLimited.ToString(CultureInfo.InvariantCulture)),
            ("most requests in a 1-s window", r => r.MaxInAlignedWindow.ToString(CultureInfo.InvariantCulture)),
            ("most requests in any 1-s span", r => r.MaxInSlidingSecond.ToString(CultureInfo.InvariantCulture)),
            ("polls per task", r => F(r.PollsPerTask)),
            ("p95 submission wait (s)", r => F(Percentile(r.SubmissionWaitsSeconds, 0.95))),
        };
        var width = rows.Max(r => r.Label.Length) + 2;
        output.WriteLine();
        output.WriteLine("| " + "measure".PadRight(width) + " | " + string.Join(" | ", results.Select(r => r.Name)) + " |");
        output.WriteLine("|" + new string('-', width + 2) + "|" + string.Join("|", results.Select(r => new string('-', r.Name.Length + 2))) + "|");
        foreach (var (label, value) in rows)
        {
            output.WriteLine("| " + label.PadRight(width) + " | " + string.Join(" | ", results.Select(r => value(r).PadLeft(r.Name.Length))) + " |");
        }
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? 0 : values.Average();

    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
