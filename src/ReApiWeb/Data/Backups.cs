using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ReApiWeb.Data;

/// <summary>Where a backup is made from or restored to: the database, the key ring, archived outputs and uploads.</summary>
public sealed record BackupPlaces(DatabaseProvider Provider, string? SqliteFile, string KeyRing, string Outputs, string Uploads)
{
    /// <summary>The places the app's configuration names (<c>appsettings.json</c>, environment, command line), as at start.</summary>
    public static BackupPlaces From(IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var keyRing = configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var media = configuration.GetSection(Features.Media.MediaOptions.SectionName).Get<Features.Media.MediaOptions>() ?? new Features.Media.MediaOptions();
        string? file = null;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var configured = configuration.GetConnectionString("Default");
            file = Path.GetFullPath(new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={Path.Combine(storage.DataDirectory, "reapiweb.db")}" : configured).DataSource);
        }

        return new BackupPlaces(database.Provider, file, keyRing.ResolveDirectory(storage), storage.ResolvedOutputsDirectory, media.ResolveUploadsDirectory(storage));
    }
}

/// <summary>
/// <c>dotnet ReApiWeb.dll backup FOLDER</c> and <c>restore FOLDER</c>. A backup is a consistent online copy of the
/// SQLite database (SQLite's backup API, while the app runs and writes), then the key ring (without it the accounts' keys
/// and sessions cannot be read), the archived outputs and the uploads. A restore puts them back into a data folder with no
/// database yet. On PostgreSQL the database is backed up with <c>pg_dump</c> (README) and this copies the files only.
/// </summary>
public static class Backups
{
    public const string DatabaseFile = "reapiweb.db";
    public const string ManifestFile = "backup.json";

    /// <summary>Runs the command in <paramref name="args"/> (backup or restore), writing what it did; the process's exit code.</summary>
    public static async Task<int> RunCommandAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter errors)
    {
        if (args.Length < 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            await errors.WriteLineAsync($"Give a folder: dotnet ReApiWeb.dll {args[0]} FOLDER");
            return 2;
        }

        var places = BackupPlaces.From(configuration);
        try
        {
            var summary = args[0] == "backup"
                ? await BackupAsync(places, Path.GetFullPath(args[1]), CancellationToken.None)
                : await RestoreAsync(places, Path.GetFullPath(args[1]), CancellationToken.None);
            await output.WriteLineAsync(summary);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or SqliteException)
        {
            await errors.WriteLineAsync($"The {args[0]} failed: {e.Message}");
            return 1;
        }
    }

    public static async Task<string> BackupAsync(BackupPlaces places, string folder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new InvalidOperationException($"{folder} is not empty: give a new or empty folder, so no backup is mixed with another.");
        }

        Directory.CreateDirectory(folder);
        var started = DateTimeOffset.UtcNow;
        string database;
        if (places.SqliteFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"There is no database at {file}.");
            }

            // SQLite's online backup: a consistent copy of the database as of one moment, while the app keeps writing.
            await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            await using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, DatabaseFile), Pooling = false }.ToString()))
            {
                await source.OpenAsync(cancellationToken);
                await target.OpenAsync(cancellationToken);
                source.BackupDatabase(target);
            }

            database = $"database {new FileInfo(Path.Combine(folder, DatabaseFile)).Length / 1024.0 / 1024:0.0} MB";
        }
        else
        {
            database = "no database (PostgreSQL: back it up with pg_dump, see the README)";
        }

        var keys = Copy(places.KeyRing, Path.Combine(folder, "keys"), cancellationToken);
        var outputs = Copy(places.Outputs, Path.Combine(folder, "outputs"), cancellationToken);
        var uploads = Copy(places.Uploads, Path.Combine(folder, "uploads"), cancellationToken);
        var manifest = new Manifest(started, DateTimeOffset.UtcNow, places.Provider.ToString(), places.SqliteFile is not null, keys, outputs, uploads);
        await File.WriteAllTextAsync(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"Backed up to {folder}: {database}, {keys} key ring files, {outputs} archived outputs, {uploads} uploads, in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s.");
    }

    public static async Task<string> RestoreAsync(BackupPlaces places, string folder, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidOperationException($"{folder} holds no backup ({ManifestFile} is missing).");
        }

        var manifest = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken))
            ?? throw new InvalidOperationException($"{ManifestFile} cannot be read.");
        if (manifest.HasDatabase)
        {
            if (places.SqliteFile is not { } file)
            {
                throw new InvalidOperationException("This backup holds a SQLite database, but the app is configured for PostgreSQL.");
            }

            if (File.Exists(file))
            {
                throw new InvalidOperationException($"There is a database at {file} already: restore into an empty data folder (move the old one away first).");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.Copy(Path.Combine(folder, DatabaseFile), file);
        }

        var keys = Copy(Path.Combine(folder, "keys"), places.KeyRing, cancellationToken);
        var outputs = Copy(Path.Combine(folder, "outputs"), places.Outputs, cancellationToken);
        var uploads = Copy(Path.Combine(folder, "uploads"), places.Uploads, cancellationToken);
        return $"Restored the backup of {manifest.Finished:u} from {folder}: {(manifest.HasDatabase ? "the database, " : "")}{keys} key ring files, {outputs} archived outputs, {uploads} uploads. Start the app with the same DataProtection settings (master key or certificate) as when it was made.";
    }

    /// <summary>Copies a folder's files (not half-written <c>.part</c> files), keeping what is already there; returns how many were copied.</summary>
    private static int Copy(string from, string to, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(from))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.EndsWith(".part", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            if (File.Exists(target))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Copy(file, target);
                count++;
            }
            catch (FileNotFoundException)
            {
                // Removed meanwhile (an evicted output): the database copy no longer needs it or still shows it missing.
            }
        }

        return count;
    }

    /// <summary>What <see cref="ManifestFile"/> says of a backup; null when the folder holds none (or an unreadable one).</summary>
    public static Manifest? ReadManifest(string folder)
    {
        try
        {
            return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(Path.Combine(folder, ManifestFile)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A backup's description, written last (a folder without one is not a finished backup).</summary>
    public sealed record Manifest(DateTimeOffset Started, DateTimeOffset Finished, string Provider, bool HasDatabase, int KeyRingFiles, int Outputs, int Uploads);
}
