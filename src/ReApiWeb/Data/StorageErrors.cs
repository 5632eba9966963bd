using Microsoft.Data.Sqlite;

namespace ReApiWeb.Data;

/// <summary>Recognises the server running out of disk, whichever layer noticed: the file system or SQLite.</summary>
public static class StorageErrors
{
    private const int NoSpaceLeft = 28;        // ENOSPC
    private const int QuotaExceeded = 122;     // EDQUOT
    private const int SqliteFull = 13;         // SQLITE_FULL

    public const string DiskFullMessage = "The server's disk is full.";

    public static bool IsDiskFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }
                || e is IOException io && (io.HResult is NoSpaceLeft or QuotaExceeded || (io.HResult & 0xFFFF) == 0x70 /* ERROR_DISK_FULL */))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Checks at start that every folder the app writes to can be written, so a read-only or missing volume gives one clear
/// message instead of an exception deep inside the first request. A full disk is only warned about: the app starts,
/// serves what it has and answers what it cannot store with a clear message.
/// </summary>
public static class StorageCheck
{
    public static IReadOnlyList<string> Problems(IEnumerable<(string Setting, string Path)> folders, ILogger logger)
    {
        var problems = new List<string>();
        foreach (var (setting, folder) in folders.DistinctBy(f => f.Path))
        {
            try
            {
                Directory.CreateDirectory(folder);
                var probe = Path.Combine(folder, $".write-check-{Guid.NewGuid():N}");
                File.WriteAllBytes(probe, [1]);
                File.Delete(probe);
            }
            catch (IOException e) when (StorageErrors.IsDiskFull(e))
            {
                logger.LogWarning("{Setting} ({Folder}) is full: what needs room there is refused until space is freed", setting, folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                problems.Add($"{setting} ({folder}) cannot be written: {e.Message} Give the app's user write access to it, or point {setting} at a writable folder.");
            }
        }

        return problems;
    }
}
