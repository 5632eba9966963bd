using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ReApiWeb.Data;

/// <summary>
/// The app's context on PostgreSQL. The same model as <see cref="AppDbContext"/>; a type of its own only so that each
/// provider has its own migrations (<c>Data/Migrations/Postgres</c>), which EF finds by context type.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);

/// <summary>Hands out <see cref="PostgresAppDbContext"/> where the app asks for an <see cref="AppDbContext"/>.</summary>
public sealed class PostgresContextFactory(IDbContextFactory<PostgresAppDbContext> inner) : IDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await inner.CreateDbContextAsync(cancellationToken);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresAppDbContext</c> build the PostgreSQL model without a server.</summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=reapiweb_design").Options);
}
