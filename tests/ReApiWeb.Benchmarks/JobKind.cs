using System.Globalization;
using System.Text.Json.Nodes;

namespace ReApiWeb.Benchmarks;

/// <summary>One kind of job in the benchmark's load: its request and how long such jobs run at the sandbox (log-normal).</summary>
public sealed record JobKind(JsonObject Request, double MedianSeconds, double Sigma)
{
    private const string Marker = "benchmark job, kind ";

    /// <summary>
    /// The heterogeneous mix (<c>--mix</c>): two models, and one of them with parameters that change how long it runs
    /// (resolution, number of images), each kind as common as the others.
    /// </summary>
    public static IReadOnlyList<JobKind> Mix(double sigma) =>
    [
        new(new JsonObject { ["model"] = "gpt-image-2-official", ["resolution"] = "1k", ["n"] = 1 }, 20, sigma),
        new(new JsonObject { ["model"] = "gpt-image-2-official", ["resolution"] = "4k", ["size"] = "16:9", ["n"] = 4 }, 90, sigma),
        new(new JsonObject { ["model"] = "imagen-4-0" }, 40, sigma),
        new(new JsonObject { ["model"] = "z-image" }, 8, sigma),
    ];

    /// <summary>The request of the <paramref name="index"/>-th job: the kinds take turns; the prompt names the kind, for the sandbox.</summary>
    public static JsonObject Body(IReadOnlyList<JobKind> kinds, int index)
    {
        var kind = index % kinds.Count;
        var body = (JsonObject)kinds[kind].Request.DeepClone();
        body["prompt"] = Marker + kind.ToString(CultureInfo.InvariantCulture);
        return body;
    }

    /// <summary>Which kind a request made by <see cref="Body"/> is.</summary>
    public static int IndexOf(JsonObject body) =>
        body["prompt"] is JsonValue prompt && prompt.TryGetValue(out string? text) && text.StartsWith(Marker, StringComparison.Ordinal)
            ? int.Parse(text.AsSpan(Marker.Length), CultureInfo.InvariantCulture)
            : 0;
}

/// <summary>Threads that keep the processor busy for the run (<c>--cpu-hog N</c>): the limit must hold on a loaded machine too.</summary>
public sealed class CpuHog : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];

    private CpuHog(int threads)
    {
        for (var i = 0; i < threads; i++)
        {
            var thread = new Thread(() =>
            {
                var spins = 0L;
                while (!_stop.IsCancellationRequested)
                {
                    spins++;
                }

                GC.KeepAlive(spins);
            }) { IsBackground = true, Name = "cpu-hog" };
            thread.Start();
            _threads.Add(thread);
        }
    }

    public static CpuHog Start(int threads) => new(threads);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _stop.Dispose();
    }
}
