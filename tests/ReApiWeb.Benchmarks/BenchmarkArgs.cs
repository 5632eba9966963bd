namespace ReApiWeb.Benchmarks;

/// <summary>What follows an option on the command line.</summary>
internal static class BenchmarkArgs
{
    /// <summary>The value given after <paramref name="name"/> (e.g. <c>--postgres</c>), or null.</summary>
    public static string? Value(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
