using System.Diagnostics;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// Published app instances on one PostgreSQL database and one Redis, sharing key ring, outputs and uploads as a real
/// cluster shares a volume, with one reAPI account (the sandbox). Each instance is restartable on its address.
/// </summary>
internal sealed class AppCluster : IDisposable
{
    private readonly string _shared = Directory.CreateTempSubdirectory("reapiweb-cluster").FullName;

    public AppCluster(string dll, int instances, string connectionString, string redis, Uri sandbox, string key)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Default"] = connectionString,
            ["ConnectionStrings__Redis"] = redis,
            ["Sandbox__Enabled"] = "false",
            ["ReApi__Accounts__0__Name"] = "Team",
            ["ReApi__Accounts__0__BaseUrl"] = sandbox.AbsoluteUri,
            ["ReApi__Accounts__0__ApiKey"] = key,
            ["DataProtection__KeyRingDirectory"] = Path.Combine(_shared, "keys"),
            ["Storage__OutputsDirectory"] = Path.Combine(_shared, "outputs"),
            ["Media__UploadsDirectory"] = Path.Combine(_shared, "uploads"),
            ["Logging__LogLevel__ReApiWeb.Features.Cluster"] = "Information",
        };
        Instances = [.. Enumerable.Range(1, instances).Select(i => new Instance(dll, Path.Combine(_shared, $"instance{i}"), $"http://127.0.0.1:{CircuitBenchmark.FreePort()}", settings))];
    }

    public IReadOnlyList<Instance> Instances { get; }

    /// <summary>Starts every instance and waits until each answers its health check.</summary>
    public async Task StartAsync()
    {
        foreach (var instance in Instances)
        {
            instance.Start();
        }

        foreach (var instance in Instances)
        {
            await CircuitBenchmark.WaitForHealthAsync(instance.BaseUrl);
        }
    }

    public void Dispose()
    {
        foreach (var instance in Instances)
        {
            instance.Kill();
        }

        Directory.Delete(_shared, recursive: true);
    }

    /// <summary>One app process, restartable on the same address and data folder; it notes when it says it leads.</summary>
    internal sealed class Instance(string dll, string data, string baseUrl, IReadOnlyDictionary<string, string> settings)
    {
        private Process? _process;

        public string BaseUrl => baseUrl;

        public DateTimeOffset StartedAt { get; private set; }

        public DateTimeOffset? LeadsSince { get; private set; }

        public bool Running => _process is { HasExited: false };

        public void Start()
        {
            Directory.CreateDirectory(data);
            (StartedAt, LeadsSince) = (DateTimeOffset.UtcNow, null);
            _process = CircuitBenchmark.StartApp(dll, data, baseUrl, settings, line =>
            {
                if (line.Contains("This instance now leads", StringComparison.Ordinal))
                {
                    LeadsSince = DateTimeOffset.UtcNow;
                }
            });
        }

        public void Kill()
        {
            if (Running)
            {
                _process!.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
    }
}
