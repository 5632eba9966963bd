using System.Diagnostics;
using Npgsql;

[assembly: AssemblyFixture(typeof(ReApiWeb.Tests.Infrastructure.PostgresServer))]

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for the tests that run on PostgreSQL: made with Debian's <c>initdb</c> in a temporary
/// folder (as the <c>postgres</c> user when the tests run as root), started on a free loopback port on first use,
/// stopped and deleted at the end of the run. Each test asks for a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private string? _folder;
    private int _port;

    /// <summary>A new, empty database on the server (started on the first call) and its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    /// <summary>Runs <paramref name="sql"/> as the server's superuser (on its maintenance database).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await EnsureStartedAsync();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Points a test app's <paramref name="settings"/> at a new database of this server.</summary>
    public async Task UseAsync(IDictionary<string, string?> settings)
    {
        settings["Database:Provider"] = "Postgres";
        settings["ConnectionStrings:Default"] = await CreateDatabaseAsync();
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30;Connection Idle Lifetime=3;Connection Pruning Interval=1";

    private async Task EnsureStartedAsync()
    {
        await _start.WaitAsync();
        try
        {
            if (_folder is not null)
            {
                return;
            }

            var bin = BinDirectory();
            var folder = Directory.CreateTempSubdirectory("reapiweb-pg").FullName;
            var data = Path.Combine(folder, "data");
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                await RunAsync("chown", "postgres:postgres", folder);
            }

            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
            var port = TestApp.FreePort();
            // A test server: nothing to keep through a crash, so nothing is synced to disk.
            var settings = $"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000";
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-o", settings, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start");
            (_folder, _port) = (folder, port);
        }
        finally
        {
            _start.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is { } folder)
        {
            await RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory(), "pg_ctl"), "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop");
            Directory.Delete(folder, recursive: true);
        }

        _start.Dispose();
    }

    /// <summary>Debian keeps the server's programs under /usr/lib/postgresql/VERSION/bin, off the PATH; the newest is taken.</summary>
    private static string BinDirectory()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return debian ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL's initdb was not found: install Debian's postgresql package (the README's test command does).");
    }

    private static Task RunAsPostgresAsync(bool asRoot, string program, params string[] arguments) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
