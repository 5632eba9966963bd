using ReApiWeb.Data;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>Adds people, groups and allowances straight to an app's database.</summary>
public static class TestPeople
{
    public static async Task<Guid[]> AddUsersAsync(this TestApp app, int count, string prefix = "member")
    {
        await using var db = await app.DbAsync();
        var users = Enumerable.Range(1, count)
            .Select(i => new User { Email = $"{prefix}{i}-{Guid.NewGuid():N}@test.local", DisplayName = $"{prefix} {i}", CreatedAt = DateTimeOffset.UtcNow })
            .ToArray();
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        return [.. users.Select(u => u.Id)];
    }

    /// <summary>A person who signs in locally with <paramref name="password"/>.</summary>
    public static async Task<Guid> AddLocalUserAsync(this TestApp app, string email, string password)
    {
        await using var db = await app.DbAsync();
        var user = new User { Email = email, DisplayName = email.Split('@')[0], CreatedAt = DateTimeOffset.UtcNow };
        user.PasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<User>().HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    public static async Task<Guid> AddGroupAsync(this TestApp app, string name, IEnumerable<Guid> members)
    {
        await using var db = await app.DbAsync();
        var group = new Group { Name = name, CreatedAt = DateTimeOffset.UtcNow };
        group.Members.AddRange(members.Select(m => new GroupMember { UserId = m }));
        db.Groups.Add(group);
        await db.SaveChangesAsync();
        return group.Id;
    }

    public static async Task SetQuotaAsync(this TestApp app, QuotaScope scope, Guid? subject, QuotaPeriod period, long credits)
    {
        await using var db = await app.DbAsync();
        db.Quotas.Add(new Quota { Scope = scope, SubjectId = subject, Period = period, Credits = credits, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }
}
