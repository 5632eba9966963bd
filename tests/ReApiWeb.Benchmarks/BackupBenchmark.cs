using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// The backup of a large SQLite database under write load: the app's database filled to <c>--gigabytes</c> (1) with
/// audit rows of 4 KB, then 8 writers saving small transactions through the app's write gate (an audit entry each, as
/// an admin's change is saved) for a baseline span, then while <see cref="Backups.BackupAsync"/> copies the database
/// (SQLite's online backup). Prints the backup's time and size and the writers' p50/p95/p99/max before and during it,
/// then checks the copy opens and counts what it should. <c>--backup [--gigabytes 1] [--writers 8]</c>.
/// </summary>
public static class BackupBenchmark
{
    private const int RowBytes = 4000;

    public static async Task<int> RunAsync(string[] args)
    {
        var gigabytes = Array.IndexOf(args, "--gigabytes") is var g and >= 0 && g + 1 < args.Length ? double.Parse(args[g + 1], CultureInfo.InvariantCulture) : 1.0;
        var writers = CircuitBenchmark.Counts(args, "--writers", [8])[0];
        var directory = Directory.CreateTempSubdirectory("reapiweb-backup-bench").FullName;
        try
        {
            await using var provider = AdmissionBenchmark.Services(directory);
            await provider.MigrateDatabaseAsync();
            var file = Path.Combine(directory, "bench.db");
            var rows = (long)(gigabytes * 1024 * 1024 * 1024 / RowBytes);
            var filling = Stopwatch.StartNew();
            await FillAsync(file, rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backup benchmark: database of {new FileInfo(file).Length / 1024.0 / 1024 / 1024:0.00} GB ({rows:N0} audit rows of {RowBytes} bytes, filled in {filling.Elapsed.TotalSeconds:0} s), {writers} writers."));

            var dbFactory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
            var writes = provider.GetRequiredService<WriteGate>();
            var audit = provider.GetRequiredService<AuditLog>();
            using var stop = new CancellationTokenSource();
            var phase = 0; // 0 warm-up, 1 baseline, 2 during the backup, 3 after
            var latencies = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
            var load = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    var at = phase;
                    using (await writes.EnterAsync(CancellationToken.None))
                    {
                        await using var db = await dbFactory.CreateDbContextAsync();
                        audit.Add(db, null, $"writer {w}", null, "Benchmark write", "a small change saved while the backup runs");
                        await db.SaveChangesAsync();
                    }

                    var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies[at].Add(took);
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(3));
            phase = 1;
            await Task.Delay(TimeSpan.FromSeconds(15));
            phase = 2;
            var folder = Path.Combine(directory, "backup");
            var places = new BackupPlaces(DatabaseProvider.Sqlite, file, Path.Combine(directory, "keys"), Path.Combine(directory, "outputs"), Path.Combine(directory, "uploads"));
            var backup = Stopwatch.StartNew();
            var said = await Task.Run(() => Backups.BackupAsync(places, folder, CancellationToken.None));
            backup.Stop();
            phase = 3;
            await Task.Delay(TimeSpan.FromSeconds(3));
            await stop.CancelAsync();
            await Task.WhenAll(load);

            Console.WriteLine(said);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backup took {backup.Elapsed.TotalSeconds:0.0} s"));
            string[] names = ["warm-up", "before the backup", "during the backup", "after it"];
            for (var i = 1; i < 4; i++)
            {
                var list = latencies[i];
                list.Sort();
                double P(double p) => list.Count == 0 ? double.NaN : list[Math.Min(list.Count - 1, (int)Math.Ceiling(p * list.Count) - 1)];
                var seconds = i == 2 ? backup.Elapsed.TotalSeconds : i == 1 ? 15 : 3;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"writes {names[i]}: {list.Count} ({list.Count / seconds:0}/s), p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {(list.Count == 0 ? double.NaN : list[^1]):0.0} ms"));
            }

            // The copy is a database of its own, as of the moment the backup began: at least the filled rows.
            await using var copy = new SqliteConnection($"Data Source={Path.Combine(folder, Backups.DatabaseFile)};Mode=ReadOnly;Pooling=False");
            await copy.OpenAsync();
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM Audit";
            var copied = (long)(await count.ExecuteScalarAsync())!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the copy opens and holds {copied:N0} audit rows (filled {rows:N0})"));
            return copied >= rows ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Fills the Audit table with <paramref name="rows"/> rows of about <see cref="RowBytes"/> bytes, 10,000 a transaction.</summary>
    private static async Task FillAsync(string file, long rows)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        for (long done = 0; done < rows; done += 10_000)
        {
            await using var fill = connection.CreateCommand();
            fill.CommandText = $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Math.Min(10_000, rows - done)})
                INSERT INTO Audit (At, ActorId, ActorName, Action, Details, Address)
                SELECT 0, NULL, 'filler', 'Benchmark fill', hex(randomblob({RowBytes / 2})), NULL FROM n
                """;
            await fill.ExecuteNonQueryAsync();
        }
    }
}
