using ReApiWeb.Data;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>Finished jobs written straight to an app's database (for lists, search and sharing; no reAPI involved).</summary>
public static class TestJobs
{
    public static Job Make(Guid ownerId, string prompt, string modelId = "z-image", JobStatus status = JobStatus.Completed, DateTimeOffset? createdAt = null, JobVisibility visibility = JobVisibility.Private, int outputs = 1) =>
        new()
        {
            OwnerId = ownerId,
            ModelId = modelId,
            Prompt = prompt,
            RequestJson = $$"""{"model":"{{modelId}}"}""",
            SubmissionKey = Guid.NewGuid(),
            Status = status,
            CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
            Visibility = visibility,
            Outputs = [.. Enumerable.Range(0, status == JobStatus.Completed ? outputs : 0)
                .Select(i => new JobOutput { Kind = OutputMediaKind.Image, Index = i, UpstreamUrl = $"https://cdn.example/{Guid.NewGuid():N}.png" })],
        };

    public static async Task<Job> AddJobAsync(this TestApp app, Guid ownerId, string prompt, string modelId = "z-image", JobStatus status = JobStatus.Completed, DateTimeOffset? createdAt = null, JobVisibility visibility = JobVisibility.Private)
    {
        await using var db = await app.DbAsync();
        var job = Make(ownerId, prompt, modelId, status, createdAt, visibility);
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job;
    }

    /// <summary>Gives an output an archived file (a small PNG) and a preview, as the archiver would.</summary>
    public static async Task ArchiveAsync(this TestApp app, string dataDirectory, JobOutput output)
    {
        var relative = Path.Combine(output.JobId.ToString("N"), $"image-{output.Index}.png");
        var full = Path.Combine(dataDirectory, "outputs", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, Convert.FromBase64String(OnePixelPng));
        await File.WriteAllBytesAsync(Path.ChangeExtension(full, null) + ".thumb.webp", [1, 2, 3]);
        await using var db = await app.DbAsync();
        var stored = await db.JobOutputs.FindAsync(output.Id);
        stored!.StoragePath = relative;
        stored.ContentType = "image/png";
        stored.ThumbnailPath = Path.ChangeExtension(relative, null) + ".thumb.webp";
        await db.SaveChangesAsync();
    }

    public const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
}
