using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Collections;

/// <summary>A star a person puts on any output they can see; the gallery filters by it.</summary>
public sealed class Favourites(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Stars or un-stars an output. Null when the output does not exist or the person cannot see it.</summary>
    public async Task<bool?> SetAsync(CurrentUser user, Guid outputId, bool starred, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await CollectionAccess.CanSeeOutputAsync(db, user, outputId, cancellationToken))
        {
            return null;
        }

        var existing = await db.Favourites.SingleOrDefaultAsync(f => f.UserId == user.Id && f.OutputId == outputId, cancellationToken);
        if (starred && existing is null)
        {
            db.Favourites.Add(new Favourite { UserId = user.Id, OutputId = outputId, CreatedAt = time.GetUtcNow() });
        }
        else if (!starred && existing is not null)
        {
            db.Favourites.Remove(existing);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (starred)
        {
            // Starred twice at once (two tabs): the other one's star stands.
        }

        return starred;
    }
}
