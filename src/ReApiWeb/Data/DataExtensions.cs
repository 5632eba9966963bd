using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ReApiWeb.Data;

public static class DataExtensions
{
    /// <summary>SQLite by default: <c>ConnectionStrings:Default</c>, or a file under <c>Storage:DataDirectory</c>.</summary>
    public static WebApplicationBuilder AddAppData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = SqliteConnectionString(builder.Configuration.GetConnectionString("Default"), storage.DataDirectory);

        // Events a transaction queued go out on the bus when it commits.
        builder.Services.AddDbContextFactory<AppDbContext>((services, options) => options.UseSqlite(connectionString)
            .AddInterceptors(services.GetRequiredService<Features.Events.EventsOnCommit>()));
        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddHostedService<DatabaseStatistics>();
        builder.AddKeyRing(storage);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>The folders the app writes to, with the setting that names each (the database's folder, archive, key ring).</summary>
    public static IEnumerable<(string Setting, string Path)> WritableFolders(IServiceProvider services)
    {
        var storage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        yield return ("Storage:DataDirectory", Path.GetFullPath(storage.DataDirectory));
        var database = new SqliteConnectionStringBuilder(services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext().Database.GetConnectionString()).DataSource;
        if (!string.IsNullOrEmpty(database) && database != ":memory:")
        {
            yield return ("ConnectionStrings:Default", Path.GetDirectoryName(Path.GetFullPath(database))!);
        }

        yield return ("Storage:OutputsDirectory", storage.ResolvedOutputsDirectory);
        yield return ("DataProtection:KeyRingDirectory", services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyRingOptions>>().Value.ResolveDirectory(storage));
    }

    /// <summary>Applies pending migrations (never EnsureCreated) and turns on WAL, before anything else touches the database.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await KeyRing.MoveKeysOutOfDatabaseAsync(services, db.Database.GetConnectionString()!, cancellationToken);
        KeyRing.WarnIfUnprotected(services);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    private static string SqliteConnectionString(string? configured, string dataDirectory)
    {
        var csb = new SqliteConnectionStringBuilder(configured ?? $"Data Source={Path.Combine(dataDirectory, "reapiweb.db")}");

        // Writers wait for each other instead of failing with SQLITE_BUSY.
        if (csb.DefaultTimeout < 30)
        {
            csb.DefaultTimeout = 30;
        }

        return csb.ToString();
    }
}
