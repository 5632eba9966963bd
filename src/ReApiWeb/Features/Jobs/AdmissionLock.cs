using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Serialises admissions across every instance, so that two submissions checked at once cannot together pass an
/// allowance: an allowance may count the whole team's or a group's holds, so there is one lock for all of them. On
/// SQLite the write transaction itself is the lock (Microsoft.Data.Sqlite begins transactions IMMEDIATE); on PostgreSQL
/// a transaction-scoped advisory lock, released at commit or rollback.
/// </summary>
public static class AdmissionLock
{
    /// <summary>The advisory lock's key ("reapi" in ASCII), the same in every instance.</summary>
    private const long Key = 0x7265617069;

    /// <summary>Takes the lock inside the caller's open transaction.</summary>
    public static async Task TakeAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", cancellationToken);
        }
    }
}
