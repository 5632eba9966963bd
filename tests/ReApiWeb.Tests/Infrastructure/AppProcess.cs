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

    private AppProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Starts the build of ReApiWeb next to the tests, configured like <see cref="TestApp"/> through environment variables.</summary>
    public static AppProcess Start(string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var baseUri = new Uri($"http://127.0.0.1:{TestApp.FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ReApiWeb.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUri.AbsoluteUri);
        foreach (var (key, value) in TestApp.Settings(dataDirectory, settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process, baseUri);
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
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was healthy.");
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
