namespace ReApiWeb.Data;

/// <summary>The database engine: SQLite in a file (the default, one instance) or PostgreSQL.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Database</c> section; the connection string is <c>ConnectionStrings:Default</c> in the provider's form.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
