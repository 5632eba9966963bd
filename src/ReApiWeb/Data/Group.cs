namespace ReApiWeb.Data;

/// <summary>A team inside the team, for allowances: made locally by an admin, or (with SSO) from the identity provider.</summary>
public sealed class Group
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A group named by the identity provider: its members are set at each sign-in, not by admins.</summary>
    public bool FromProvider { get; set; }

    /// <summary>Models this group's members may use; empty means every model.</summary>
    public List<string> AllowedModels { get; set; } = [];

    public List<GroupMember> Members { get; set; } = [];
}

public sealed class GroupMember
{
    public Guid GroupId { get; set; }

    public Guid UserId { get; set; }

    public User? User { get; set; }
}
