using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Cluster;

/// <summary>
/// The identity of one deployment: a random id kept in its database, made on the first start and the same for every
/// instance on that database. What instances share in Redis is named with it, so two deployments on one Redis (staging
/// and production) never hear each other's events.
/// </summary>
/// <remarks>It depends on nothing: the event bus needs it, and the database's interceptors need the bus.</remarks>
public sealed class ClusterIdentity
{
    private const string Setting = "Cluster.Id";

    private Guid? _id;

    /// <summary>The id, once <see cref="EnsureAsync"/> ran at start (under the start-up lock); null before.</summary>
    public Guid? Id => _id;

    /// <summary>Reads the id, making it on the very first start; called while instances take turns to start.</summary>
    public async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        if (await db.SettingAsync(Setting, cancellationToken) is { } stored && Guid.TryParse(stored, out var id))
        {
            _id = id;
            return;
        }

        id = Guid.NewGuid();
        await db.SetSettingAsync(Setting, id.ToString(), by: null, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        _id = id;
    }
}
