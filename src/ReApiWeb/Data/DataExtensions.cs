using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ReApiWeb.Data;

public static partial class DataExtensions
{
    /// <summary>
    /// SQLite by default (<c>ConnectionStrings:Default</c>, or a file under <c>Storage:DataDirectory</c>); PostgreSQL
    /// with <c>Database:Provider</c> = <c>Postgres</c> and <c>ConnectionStrings:Default</c> in Npgsql's form.
    /// </summary>
    public static WebApplicationBuilder AddAppData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName)).ValidateOnStart();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = builder.Configuration.GetConnectionString("Default");

        // Events a transaction queued go out on the bus when it commits.
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var connectionString = PostgresConnectionString(configured);
            // A dropped connection or a deadlock runs the statement (or, through Transactions, the whole transaction) again.
            builder.Services.AddDbContextFactory<PostgresAppDbContext>((services, options) => options
                .UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 5, maxRetryDelay: TimeSpan.FromSeconds(5), errorCodesToAdd: null))
                .AddInterceptors(services.GetRequiredService<Features.Events.EventsOnCommit>()));
            builder.Services.AddSingleton<IDbContextFactory<AppDbContext>, PostgresContextFactory>();
        }
        else
        {
            var connectionString = SqliteConnectionString(configured, storage.DataDirectory);
            builder.Services.AddDbContextFactory<AppDbContext>((services, options) => options.UseSqlite(connectionString)
                .AddInterceptors(services.GetRequiredService<Features.Events.EventsOnCommit>()));
        }

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
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var database = db.Database.IsSqlite() ? new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource : null;
        if (!string.IsNullOrEmpty(database) && database != ":memory:")
        {
            yield return ("ConnectionStrings:Default", Path.GetDirectoryName(Path.GetFullPath(database))!);
        }

        yield return ("Storage:OutputsDirectory", storage.ResolvedOutputsDirectory);
        yield return ("DataProtection:KeyRingDirectory", services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyRingOptions>>().Value.ResolveDirectory(storage));
    }

    /// <summary>Applies pending migrations (never EnsureCreated) and, on SQLite, turns on WAL, before anything else touches the database.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await KeyRing.MoveKeysOutOfDatabaseAsync(services, db.Database.GetConnectionString()!, cancellationToken);
        }

        KeyRing.WarnIfUnprotected(services);
        if (db.Database.IsNpgsql())
        {
            // Npgsql's migrator reads the history before making it, which logs a failed command on a new database.
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        else
        {
            var connection = db.Database.GetDbConnection();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataExtensions));
            if (services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is null)
            {
                LogOneInstance(logger, connection.DataSource, connection.Database);
            }
            else
            {
                LogSeveralInstances(logger, connection.DataSource, connection.Database);
            }
        }
    }

    private static string PostgresConnectionString(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured) || configured.Contains("Data Source", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "Database:Provider is Postgres, so ConnectionStrings:Default must be a PostgreSQL connection string, e.g. \"Host=db;Database=reapiweb;Username=reapiweb;Password=...\".");
        }

        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(configured).ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"ConnectionStrings:Default is not a PostgreSQL connection string: {e.Message}", e);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database: PostgreSQL ({Host}, database {Database}), without Redis: run this app as one instance. Several would each spend the reAPI accounts' whole rate budget and not see each other's changes live; set ConnectionStrings:Redis to run several")]
    private static partial void LogOneInstance(ILogger logger, string host, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: PostgreSQL ({Host}, database {Database}) and Redis: instances may run side by side. One leads (polls, reads balances, archives outputs, prunes uploads), another takes over if it stops; all share each account's rate budget and live updates. Storage:OutputsDirectory and the uploads must be a volume every instance reads")]
    private static partial void LogSeveralInstances(ILogger logger, string host, string database);
}
