using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(ReApiWeb.Tests.Infrastructure.RedisServer))]

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// A private Redis server for the tests (Debian's <c>redis-server</c> on a free loopback port, nothing saved to disk),
/// started on first use and stopped at the end of the run. Tests share it with keys of their own; one that stops and
/// starts Redis makes a server of its own.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private int _port;

    /// <summary>The StackExchange.Redis connection string of the server, started if it is not running.</summary>
    public async Task<string> ConnectionStringAsync()
    {
        await StartAsync();
        return $"127.0.0.1:{_port}";
    }

    /// <summary>Starts the server (again, on the same port, after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is { HasExited: false })
            {
                return;
            }

            if (_port == 0)
            {
                _port = TestApp.FreePort();
            }

            var start = new ProcessStartInfo("redis-server", ["--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start: install Debian's redis-server package (the README's test command does).");
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            await WaitForPortAsync(open: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the server outright, as when Redis goes away.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                await process.WaitForExitAsync();
                await WaitForPortAsync(open: false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _gate.Dispose();
    }

    private async Task WaitForPortAsync(bool open)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, _port);
                if (open)
                {
                    return;
                }
            }
            catch (SocketException)
            {
                if (!open)
                {
                    return;
                }
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"redis-server on port {_port} did not {(open ? "open" : "close")} within 20 s.");
    }
}
