using System.Diagnostics;
using System.Net;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// The app as a real operating-system process on a loopback port, so a test can kill it outright (no graceful stop,
/// no finally blocks) and see what a crash or an OOM kill leaves behind.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }

    /// <summary>What the process wrote to standard output and error, line by line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the build of ReApiWeb next to the tests, configured like <see cref="TestApp"/> through environment variables.</summary>
    public static AppProcess Start(string dataDirectory, IReadOnlyDictionary<string, string?> settings) =>
        Start(dataDirectory, settings, [Path.Combine(AppContext.BaseDirectory, "ReApiWeb.dll")]);

    /// <summary>
    /// Starts the app the way the README says to run it (<c>dotnet run --project src/ReApiWeb</c>, with its launch
    /// profile), from the Release build the test command made.
    /// </summary>
    public static AppProcess StartWithDotnetRun(string dataDirectory, IReadOnlyDictionary<string, string?> settings) =>
        Start(dataDirectory, settings, ["run", "--no-build", "-c", "Release", "--project", Path.Combine(TestApp.RepositoryRoot(), "src", "ReApiWeb"), "--"]);

    /// <summary>Runs the app's command <paramref name="arguments"/> (e.g. <c>backup FOLDER</c>) with the app's settings for <paramref name="dataDirectory"/>.</summary>
    public static AppProcess StartCommand(string dataDirectory, IReadOnlyDictionary<string, string?> settings, params string[] arguments) =>
        Start(dataDirectory, settings, [Path.Combine(AppContext.BaseDirectory, "ReApiWeb.dll"), .. arguments], listen: false);

    private static AppProcess Start(string dataDirectory, IReadOnlyDictionary<string, string?> settings, string[] arguments, bool listen = true)
    {
        var baseUri = new Uri($"http://127.0.0.1:{TestApp.FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (listen)
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(baseUri.AbsoluteUri);
        }
        foreach (var (key, value) in TestApp.Settings(dataDirectory, settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // The run command decides the environment, not the test runner's.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        return new AppProcess(process, baseUri);
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>Waits until <c>/health</c> answers 200.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was healthy:\n{string.Join("\n", _output)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative), deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Kills the process at once, as a crash would.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
