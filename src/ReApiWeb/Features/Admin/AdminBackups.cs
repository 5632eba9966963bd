using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Admin;

/// <summary>A finished backup in the backups folder: its name, when it finished, its database's size (none: PostgreSQL's), its files.</summary>
public sealed record BackupFolder(string Name, DateTimeOffset At, long? DatabaseBytes, int Files);

/// <summary>
/// "Back up now" on the System page: the same backup as <c>dotnet ReApiWeb.dll backup FOLDER</c>
/// (<see cref="Backups.BackupAsync"/>), into a new folder under <see cref="StorageOptions.BackupsDirectory"/> on this
/// server, one at a time, audited before it starts (so the backup holds its own entry).
/// </summary>
public sealed partial class AdminBackups(
    IConfiguration configuration,
    IOptions<StorageOptions> storage,
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    TimeProvider time,
    ILogger<AdminBackups> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public string Folder => storage.Value.ResolvedBackupsDirectory;

    public bool Running => _one.CurrentCount == 0;

    /// <summary>Whether a backup holds the database (SQLite); PostgreSQL's is <c>pg_dump</c>'s.</summary>
    public bool HasDatabase => BackupPlaces.From(configuration).SqliteFile is not null;

    /// <summary>
    /// The finished backups in <see cref="Folder"/> (those with a manifest), newest first: read from their manifests and
    /// database file, never by walking their outputs (a page shows this).
    /// </summary>
    public IReadOnlyList<BackupFolder> List(int take = 10)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var list = new List<BackupFolder>();
        foreach (var folder in new DirectoryInfo(Folder).EnumerateDirectories())
        {
            if (Backups.ReadManifest(folder.FullName) is { } manifest)
            {
                var database = new FileInfo(Path.Combine(folder.FullName, Backups.DatabaseFile));
                list.Add(new BackupFolder(folder.Name, manifest.Finished, database.Exists ? database.Length : null, manifest.KeyRingFiles + manifest.Outputs + manifest.Uploads));
            }
        }

        return [.. list.OrderByDescending(b => b.At).Take(take)];
    }

    /// <summary>Makes a backup now; what it copied, as the command line says it. Refused while another runs.</summary>
    public async Task<string> BackUpAsync(Actor admin, CancellationToken cancellationToken)
    {
        if (!await _one.WaitAsync(0, cancellationToken))
        {
            throw new InvalidOperationException("A backup is being made already; wait for it to finish.");
        }

        try
        {
            var folder = Path.Combine(Folder, "reapiweb-" + time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                await audit.AddAdminChangeAsync(db, admin, "Backup made", $"to {folder}", cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            // Off the page's thread: SQLite's backup runs synchronously, for seconds on a large database.
            var said = await Task.Run(() => Backups.BackupAsync(BackupPlaces.From(configuration), folder, cancellationToken), cancellationToken);
            LogMade(said);
            return said;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException and not AdminRightsException)
        {
            LogFailed(e);
            throw new InvalidOperationException($"The backup could not be written to {Folder}: {e.Message}", e);
        }
        finally
        {
            _one.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{What}")]
    private partial void LogMade(string what);

    [LoggerMessage(Level = LogLevel.Error, Message = "A backup from the System page failed")]
    private partial void LogFailed(Exception exception);
}
