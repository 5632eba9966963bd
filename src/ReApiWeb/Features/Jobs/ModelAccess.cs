using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Which models a person may use, from their groups' allowed models. A group that lists models restricts its members
/// to them; a group that lists none restricts nothing. A person may use a model when every restricting group they are
/// in allows it, so joining another group (say one the identity provider just created) never widens access.
/// </summary>
public sealed class ModelAccess(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The models <paramref name="userId"/> may use, or null for every model.</summary>
    public async Task<IReadOnlySet<string>?> AllowedAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var restrictions = (await db.GroupMembers.AsNoTracking().Where(m => m.UserId == userId)
                .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => g.AllowedModels)
                .ToListAsync(cancellationToken))
            .Where(list => list.Count > 0)
            .ToList();
        if (restrictions.Count == 0)
        {
            return null;
        }

        var allowed = restrictions[0].ToHashSet(StringComparer.Ordinal);
        foreach (var list in restrictions.Skip(1))
        {
            allowed.IntersectWith(list);
        }

        return allowed;
    }

    public async Task<bool> MayUseAsync(Guid userId, string modelId, CancellationToken cancellationToken) =>
        await AllowedAsync(userId, cancellationToken) is not { } allowed || allowed.Contains(modelId);
}
