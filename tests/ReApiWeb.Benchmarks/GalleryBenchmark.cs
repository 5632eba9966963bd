using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Media;
using SkiaSharp;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// The gallery's queries on SQLite at 1,000, 10,000 and 100,000 jobs (the real <see cref="JobReader"/>: a page of 48
/// tiles with covers, costs and stars, and the total), unfiltered, deep in the pages, on the team feed, searched and
/// filtered; then how long a preview takes to make from a large image. Prints p50/p95 per query.
/// </summary>
public static class GalleryBenchmark
{
    private static readonly string[] Words =
    [
        "fox", "lighthouse", "cliff", "dawn", "watercolor", "neon", "city", "rain", "portrait", "sailor", "ramen", "studio",
        "mountain", "cloud", "forest", "river", "boat", "paper", "desert", "castle", "dragon", "robot", "garden", "winter",
        "summer", "sunset", "ocean", "wave", "cat", "dog", "owl", "tiger", "street", "market", "night", "morning", "golden",
        "silver", "blue", "red", "green", "purple", "soft", "light", "shadow", "cinematic", "photo", "illustration", "poster",
        "logo", "product", "shoe", "bottle", "coffee", "cup", "kitchen", "office", "team", "launch", "campaign", "banner",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Contains("--quick") ? new[] { 10_000 } : [1_000, 10_000, 100_000];
        Console.WriteLine("Gallery benchmark: SQLite, 48 tiles a page, 20 people, 60 % of jobs shared with the team, statistics refreshed after seeding; each query run 60 times after 5 warm-ups.");
        foreach (var size in sizes)
        {
            await MeasureAsync(size);
        }

        MeasurePreviews();
        return 0;
    }

    private static async Task MeasureAsync(int jobs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "reapiweb-gallery-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddDbContextFactory<AppDbContext>(o =>
        {
            o.UseSqlite($"Data Source={Path.Combine(directory, "bench.db")}");
            if (Environment.GetEnvironmentVariable("GALLERY_BENCH_SQL") is not null)
            {
                o.LogTo(Console.WriteLine, [DbLoggerCategory.Database.Command.Name]);
            }
        });
        services.AddSingleton(ModelCatalog.Default);
        services.AddSingleton<IJobReader, JobReader>();
        await using var provider = services.BuildServiceProvider();
        await provider.MigrateDatabaseAsync();
        var seeding = Stopwatch.StartNew();
        var (me, team) = await SeedAsync(provider, jobs);
        seeding.Stop();
        await using (var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            // As the app does when it starts and twice a day (DatabaseStatistics).
            await DatabaseStatistics.RefreshAsync(db, CancellationToken.None);
        }
        var reader = provider.GetRequiredService<IJobReader>();
        var pages = (int)Math.Ceiling(jobs / 2.0 / GalleryQuery.PageSize);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{jobs:N0} jobs (seeded in {seeding.Elapsed.TotalSeconds:0.0} s; the measured person owns half of them, {pages:N0} pages):"));
        await TimeAsync("  my jobs, newest page       ", () => reader.ListAsync(me, new GalleryFilter(), 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  my jobs, middle page       ", () => reader.ListAsync(me, new GalleryFilter(), pages / 2 * GalleryQuery.PageSize, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  my jobs, last page         ", () => reader.ListAsync(me, new GalleryFilter(), (pages - 1) * GalleryQuery.PageSize, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  team feed, newest page     ", () => reader.ListAsync(team, new GalleryFilter(JobScope.Team), 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  search a common word       ", () => reader.ListAsync(me, new GalleryFilter { Search = "fox" }, 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  search two words (prefix)  ", () => reader.ListAsync(me, new GalleryFilter { Search = "neon ci" }, 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  search a rare word         ", () => reader.ListAsync(me, new GalleryFilter { Search = "zebra" }, 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  team search + person       ", () => reader.ListAsync(team, new GalleryFilter(JobScope.Team) { Search = "fox", Person = me.Id }, 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  videos that failed         ", () => reader.ListAsync(me, new GalleryFilter { Kind = OutputKind.Video, Status = JobStatusFilter.Failed }, 0, GalleryQuery.PageSize, CancellationToken.None));
        await TimeAsync("  starred                    ", () => reader.ListAsync(me, new GalleryFilter { Favourites = true }, 0, GalleryQuery.PageSize, CancellationToken.None));
        SqliteCleanup();
        if (Environment.GetEnvironmentVariable("GALLERY_BENCH_KEEP") is null)
        {
            Directory.Delete(directory, recursive: true);
        }
        else
        {
            Console.WriteLine($"  kept: {directory}");
        }
    }

    private static async Task TimeAsync(string name, Func<Task<JobPage>> query)
    {
        JobPage page = new([], 0);
        for (var i = 0; i < 5; i++)
        {
            page = await query();
        }

        var times = new double[60];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            page = await query();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} p50 {times[29]:0.0} ms  p95 {times[56]:0.0} ms  ({page.Jobs.Count} tiles of {page.Total:N0})"));
    }

    /// <summary>Jobs with one archived, previewed output each, their ledger (hold and charge), some stars; prompts from a small vocabulary.</summary>
    private static async Task<(CurrentUser Me, CurrentUser Team)> SeedAsync(IServiceProvider provider, int count)
    {
        var random = new Random(7);
        var factory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var people = Enumerable.Range(0, 20).Select(i => new User { Email = $"p{i}@bench.local", DisplayName = $"Person {i}", CreatedAt = DateTimeOffset.UtcNow }).ToList();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Users.AddRange(people);
            await db.SaveChangesAsync();
        }

        var models = ModelCatalog.Default.Models.Select(m => m.Id).ToArray();
        var start = DateTimeOffset.UtcNow.AddDays(-400);
        const int batch = 5_000;
        for (var done = 0; done < count; done += batch)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(count, done + batch); i++)
            {
                var owner = i % 2 == 0 ? people[0] : people[1 + random.Next(19)];
                var status = random.Next(20) switch { 0 => JobStatus.Failed, 1 => JobStatus.Processing, _ => JobStatus.Completed };
                var job = new Job
                {
                    OwnerId = owner.Id,
                    ModelId = models[random.Next(models.Length)],
                    Prompt = string.Join(' ', Enumerable.Range(0, 8 + random.Next(10)).Select(_ => Words[random.Next(Words.Length)])) + (i == count / 3 ? " zebra" : ""),
                    RequestJson = "{}",
                    SubmissionKey = Guid.NewGuid(),
                    Status = status,
                    CreatedAt = start.AddSeconds(i * (400.0 * 86400 / count)),
                    Visibility = random.Next(10) < 6 ? JobVisibility.Team : JobVisibility.Private,
                };
                db.Jobs.Add(job);
                if (status == JobStatus.Completed)
                {
                    var output = new JobOutput { JobId = job.Id, Kind = OutputMediaKind.Image, UpstreamUrl = "https://cdn.example/x.png", StoragePath = $"{job.Id:N}/image-0.png", ThumbnailPath = $"{job.Id:N}/image-0.thumb.webp", ContentType = "image/png" };
                    db.JobOutputs.Add(output);
                    if (random.Next(25) == 0)
                    {
                        db.Favourites.Add(new Favourite { UserId = owner.Id, OutputId = output.Id, CreatedAt = job.CreatedAt });
                    }
                }

                db.Ledger.Add(new LedgerEntry { UserId = owner.Id, JobId = job.Id, Kind = LedgerEntryKind.Hold, Credits = 30, At = job.CreatedAt, PeriodAt = job.CreatedAt, ModelId = job.ModelId });
                db.Ledger.Add(new LedgerEntry { UserId = owner.Id, JobId = job.Id, Kind = LedgerEntryKind.Charge, Credits = 30, At = job.CreatedAt, PeriodAt = job.CreatedAt, ModelId = job.ModelId });
            }

            await db.SaveChangesAsync();
        }

        return (new CurrentUser(people[0].Id, people[0].DisplayName, IsAdmin: false), new CurrentUser(people[1].Id, people[1].DisplayName, IsAdmin: false));
    }

    /// <summary>Preview time for large images as reAPI returns them (a 2048² PNG and a 2048×1152 JPEG).</summary>
    private static void MeasurePreviews()
    {
        var directory = Directory.CreateTempSubdirectory("reapiweb-preview-bench").FullName;
        foreach (var (name, width, height, format) in new[] { ("PNG 2048×2048", 2048, 2048, SKEncodedImageFormat.Png), ("JPEG 2048×1152", 2048, 1152, SKEncodedImageFormat.Jpeg) })
        {
            var source = Path.Combine(directory, "source." + format.ToString().ToLowerInvariant());
            using (var bitmap = new SKBitmap(width, height))
            {
                using (var canvas = new SKCanvas(bitmap))
                using (var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.DarkRed, SKColors.Gold, SKColors.Teal], SKShaderTileMode.Clamp) })
                {
                    canvas.DrawRect(0, 0, width, height, paint);
                }

                using var image = SKImage.FromBitmap(bitmap);
                using var file = File.Create(source);
                image.Encode(format, 90).SaveTo(file);
            }

            var target = Path.Combine(directory, "preview.webp");
            var times = new double[25];
            for (var i = -3; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                Thumbnails.FromImage(source, target);
                if (i >= 0)
                {
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            Array.Sort(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"preview of a {name} ({new FileInfo(source).Length / 1024:N0} KB): p50 {times[12]:0.0} ms, p95 {times[23]:0.0} ms, preview {new FileInfo(target).Length / 1024.0:0.0} KB"));
        }

        Directory.Delete(directory, recursive: true);
    }

    private static void SqliteCleanup() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
