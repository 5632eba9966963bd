using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using ReApiWeb.Data;

namespace ReApiWeb.Benchmarks;

/// <summary>Ledger rows written straight into a benchmark's database (SQLite in one transaction, PostgreSQL by COPY), far faster than through EF.</summary>
internal static class LedgerHistory
{
    /// <summary>Writes the entries into <paramref name="db"/>'s database, whichever its provider.</summary>
    public static async Task WriteAsync(AppDbContext db, IEnumerable<(Guid Person, LedgerEntryKind Kind, DateTimeOffset At)> entries)
    {
        if (!db.Database.IsNpgsql())
        {
            await WriteAsync(db.Database.GetConnectionString()!, entries);
            return;
        }

        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY \"Ledger\" (\"UserId\", \"Kind\", \"Credits\", \"At\", \"PeriodAt\", \"ModelId\") FROM STDIN (FORMAT BINARY)");
        foreach (var (person, kind, at) in entries)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(person, NpgsqlDbType.Uuid);
            await copy.WriteAsync(kind.ToString(), NpgsqlDbType.Varchar);
            await copy.WriteAsync(30L, NpgsqlDbType.Bigint);
            await copy.WriteAsync(at.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(at.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await copy.WriteAsync("gpt-image-2", NpgsqlDbType.Varchar);
        }

        await copy.CompleteAsync();
    }

    /// <summary>Writes each entry as a 30-credit gpt-image-2 row of its person, kind and instant (no job rows: balances and admissions never read them).</summary>
    public static async Task WriteAsync(string connectionString, IEnumerable<(Guid Person, LedgerEntryKind Kind, DateTimeOffset At)> entries)
    {
        var dates = new DateTimeOffsetToBinaryConverter();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO Ledger (UserId, Kind, Credits, At, PeriodAt, ModelId) VALUES ($user, $kind, 30, $at, $at, 'gpt-image-2')";
        var user = command.Parameters.Add("$user", SqliteType.Text);
        var kind = command.Parameters.Add("$kind", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Integer);
        foreach (var entry in entries)
        {
            user.Value = entry.Person.ToString().ToUpperInvariant();
            kind.Value = entry.Kind.ToString();
            at.Value = dates.ConvertToProvider(entry.At);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
