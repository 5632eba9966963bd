using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Which models a person may use, from their groups' allowed models. A group that lists models restricts its members
/// to them; a group that lists none restricts nothing. A person may use a model when every restricting group they are
/// in allows it, so joining another group (say one the identity provider just created) never widens access.
/// </summary>
public sealed class ModelAccess(IDbContextFactory<AppDbContext> dbFactory, ReApi.Client.Catalog.ModelCatalog catalog)
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

    /// <summary>
    /// The catalog's models a person's forms offer: those they may use, in catalog order. Should none of them be in
    /// the catalog, every model is listed and submitting says why it is refused.
    /// </summary>
    public async Task<IReadOnlyList<ReApi.Client.Catalog.ModelSpec>> OfferedAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var allowed = userId is { } id ? await AllowedAsync(id, cancellationToken) : null;
        return allowed is not null && catalog.Models.Where(m => allowed.Contains(m.Id)).ToList() is { Count: > 0 } some ? some : catalog.Models;
    }

    public async Task<bool> MayUseAsync(Guid userId, string modelId, CancellationToken cancellationToken) =>
        await AllowedAsync(userId, cancellationToken) is not { } allowed || allowed.Contains(modelId);
}
