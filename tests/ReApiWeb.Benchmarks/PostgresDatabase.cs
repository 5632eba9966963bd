using Npgsql;

namespace ReApiWeb.Benchmarks;

/// <summary>A database of its own for one benchmark run on a PostgreSQL server, dropped when the run ends.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private PostgresDatabase(string server, string name, string connectionString) => (_server, _name, ConnectionString) = (server, name, connectionString);

    public string ConnectionString { get; }

    /// <param name="server">A connection string to the server (its database is only used to create and drop the run's).</param>
    public static async Task<PostgresDatabase> CreateAsync(string server)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        return new PostgresDatabase(server, name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
