using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Media;

/// <summary>The outcome of an upload: the public link to put in the form, or why the file was refused.</summary>
public sealed record UploadResult(Uri? Link, string? Error)
{
    public static UploadResult Refused(string error) => new(null, error);
}

/// <summary>Keeps members' input files under the data folder and hands out public links to them; old uploads are pruned.</summary>
public sealed partial class UploadStore(
    IDbContextFactory<AppDbContext> dbFactory,
    PublicMediaLinks links,
    IOptions<MediaOptions> options,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<UploadStore> logger)
{
    public string Directory => options.Value.ResolveUploadsDirectory(storage.Value);

    public async Task<UploadResult> SaveAsync(Guid ownerId, MediaKind kind, string fileName, Stream content, CancellationToken cancellationToken)
    {
        if (!links.Enabled)
        {
            return UploadResult.Refused(UploadsOffMessage);
        }

        if (MediaTypes.ContentType(kind, fileName) is not { } contentType)
        {
            return UploadResult.Refused($"{Path.GetFileName(fileName)} is not a file this field takes ({MediaTypes.Extensions(kind)}).");
        }

        var (max, quotaMessage) = await RoomAsync(ownerId, cancellationToken);
        if (max <= 0)
        {
            return UploadResult.Refused(quotaMessage!);
        }

        var upload = new Upload
        {
            OwnerId = ownerId,
            FileName = Path.GetFileName(fileName),
            ContentType = contentType,
            StoragePath = "",
            CreatedAt = time.GetUtcNow(),
        };
        upload.StoragePath = upload.Id.ToString("N") + Path.GetExtension(fileName).ToLowerInvariant();
        var full = Path.Combine(Directory, upload.StoragePath);
        System.IO.Directory.CreateDirectory(Directory);
        var partial = full + ".part";
        try
        {
            upload.SizeBytes = await LimitedFileCopy.CopyAsync(content, partial, max, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            File.Delete(partial);
            return UploadResult.Refused(max < options.Value.MaxUploadBytes ? quotaMessage! : e.Message);
        }
        catch (IOException e) when (StorageErrors.IsDiskFull(e))
        {
            File.Delete(partial);
            LogDiskFull(ownerId);
            return UploadResult.Refused($"{StorageErrors.DiskFullMessage} The file was not kept; tell an admin.");
        }

        File.Move(partial, full, overwrite: true);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Uploads.Add(upload);
        await db.SaveChangesAsync(cancellationToken);
        LogUploaded(upload.Id, ownerId, upload.SizeBytes);
        return new UploadResult(links.Create(new MediaReference(MediaSource.Upload, upload.Id), upload.FileName), null);
    }

    /// <summary>
    /// How many bytes this upload may have: the per-file limit, or less when the person's or everyone's upload space is
    /// nearly used; with the message that explains a refusal for space.
    /// </summary>
    private async Task<(long Max, string? Message)> RoomAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = await db.Uploads.Where(u => u.OwnerId == ownerId).SumAsync(u => u.SizeBytes, cancellationToken);
        var everyone = await db.Uploads.SumAsync(u => u.SizeBytes, cancellationToken);
        var personLeft = limits.MaxUploadBytesPerPerson - mine;
        var totalLeft = limits.MaxUploadBytesTotal - everyone;
        var message = personLeft <= totalLeft
            ? $"Your uploads already hold {LimitedFileCopy.Describe(mine)} of your {LimitedFileCopy.Describe(limits.MaxUploadBytesPerPerson)}; uploads are removed after {limits.UploadRetention.TotalDays:0} days, or reuse an earlier one."
            : $"The team's uploads already hold {LimitedFileCopy.Describe(everyone)} of {LimitedFileCopy.Describe(limits.MaxUploadBytesTotal)}; uploads are removed after {limits.UploadRetention.TotalDays:0} days.";
        return (Math.Min(limits.MaxUploadBytes, Math.Min(personLeft, totalLeft)), message);
    }

    /// <summary>Deletes uploads older than <see cref="MediaOptions.UploadRetention"/>, files first, then their rows.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.UploadRetention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var old = await db.Uploads.Where(u => u.CreatedAt < cutoff).ToListAsync(cancellationToken);
        foreach (var upload in old)
        {
            File.Delete(Path.Combine(Directory, upload.StoragePath));
        }

        db.Uploads.RemoveRange(old);
        await db.SaveChangesAsync(cancellationToken);
        return old.Count;
    }

    /// <summary>Why the upload control is off, for the form and for a refused upload.</summary>
    public const string UploadsOffMessage =
        "Uploads are off: reAPI only fetches public URLs, and this dashboard has no public address (Media:PublicBaseUrl).";

    [LoggerMessage(Level = LogLevel.Error, Message = "An upload by {OwnerId} was refused: the disk is full")]
    private partial void LogDiskFull(Guid ownerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {UploadId} saved for {OwnerId} ({Size} bytes)")]
    private partial void LogUploaded(Guid uploadId, Guid ownerId, long size);
}
