namespace ReApiWeb.Data;

/// <summary>Writes a stream to a file, refusing it once it passes a size limit: a stated size is never trusted.</summary>
public static class LimitedFileCopy
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/>; throws <see cref="InvalidDataException"/> past <paramref name="maxBytes"/>.</summary>
    public static async Task<long> CopyAsync(Stream source, string path, long maxBytes, CancellationToken cancellationToken)
    {
        await using var target = File.Create(path);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            size += read;
            if (size > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return size;
    }

    public static InvalidDataException TooLarge(long maxBytes) => new($"The file is larger than the limit of {Describe(maxBytes)}.");

    /// <summary>1536 → "1.5 KB"; for messages.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes} bytes",
    };
}
