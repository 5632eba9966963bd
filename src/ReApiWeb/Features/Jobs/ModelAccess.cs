using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Which models a person may use, from their groups' allowed models: a model is open to them when any of their groups
/// allows it. A group that lists no models allows every model, and so does belonging to no group.
/// </summary>
public sealed class ModelAccess(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The models <paramref name="userId"/> may use, or null for every model.</summary>
    public async Task<IReadOnlySet<string>?> AllowedAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lists = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => g.AllowedModels)
            .ToListAsync(cancellationToken);
        return lists.Count == 0 || lists.Any(l => l.Count == 0) ? null : lists.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<bool> MayUseAsync(Guid userId, string modelId, CancellationToken cancellationToken) =>
        await AllowedAsync(userId, cancellationToken) is not { } allowed || allowed.Contains(modelId);
}
