using System.Diagnostics;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>
/// Debian's HAProxy in the foreground on a free loopback port, with the README's configuration
/// (<c>e2e/cluster/haproxy.cfg</c>) and the instances' addresses in its environment; stopped when disposed.
/// </summary>
public sealed class HaproxyProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private HaproxyProcess(Process process, string folder, Uri baseUri)
    {
        _process = process;
        _folder = folder;
        BaseUri = baseUri;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }

    /// <summary>The runtime API's socket (<c>set server instances/app1 state drain</c>, <c>show servers state</c>).</summary>
    public string Socket => Path.Combine(_folder, "haproxy.sock");

    public static string ConfigPath => Path.Combine(TestApp.RepositoryRoot(), "e2e", "cluster", "haproxy.cfg");

    /// <summary>Starts HAProxy in front of the three <paramref name="instances"/> and waits until it sends to all of them.</summary>
    public static async Task<HaproxyProcess> StartAsync(IReadOnlyList<Uri> instances)
    {
        if (instances.Count != 3)
        {
            throw new ArgumentException("The configuration names three instances.", nameof(instances));
        }

        var folder = Directory.CreateTempSubdirectory("reapiweb-haproxy").FullName;
        var port = TestApp.FreePort();
        var start = new ProcessStartInfo("haproxy", ["-db", "-f", ConfigPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LISTEN"] = $"127.0.0.1:{port}";
        start.Environment["HAPROXY_SOCKET"] = Path.Combine(folder, "haproxy.sock");
        for (var i = 0; i < instances.Count; i++)
        {
            start.Environment[$"APP{i + 1}"] = $"{instances[i].Host}:{instances[i].Port}";
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("HAProxy is not installed: install Debian's haproxy package (the README's test command does).", e);
        }

        var haproxy = new HaproxyProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await haproxy.WaitUntilAllAreUpAsync(TimeSpan.FromSeconds(30));
        return haproxy;
    }

    /// <summary>Runs a command of HAProxy's runtime API and returns its answer.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket));
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(command + "\n"));
        using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private async Task WaitUntilAllAreUpAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with code {_process.ExitCode}:\n{string.Join("\n", _output)}");
            }

            if (File.Exists(Socket))
            {
                // "show servers state" lists each server with its operational state (2 = up).
                var state = await CommandAsync("show servers state instances");
                var servers = state.Split('\n').Where(l => l.Contains(" app", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
                if (servers.Count == 3 && servers.All(s => s.Length > 5 && s[5] == "2"))
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"HAProxy did not see its three instances up in time:\n{string.Join("\n", _output)}");
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
