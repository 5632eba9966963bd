namespace ReApiWeb.Data;

/// <summary>What someone other than a collection's owner may do with it.</summary>
public enum CollectionRole
{
    None,

    /// <summary>Sees the collection and its outputs, downloads them.</summary>
    Viewer,

    /// <summary>Also adds outputs (that they can see) and removes them, and picks the cover.</summary>
    Editor,

    /// <summary>Its owner (or an admin): also renames, shares and deletes it.</summary>
    Owner,
}

/// <summary>A named set of outputs a member put together, shared with the team or with chosen groups.</summary>
public sealed class Collection
{
    public const int MaxNameLength = 120;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public Guid OwnerId { get; set; }

    public User? Owner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What the whole team may do; <see cref="CollectionRole.None"/> keeps it to its owner and the groups it is shared with.</summary>
    public CollectionRole TeamRole { get; set; }

    /// <summary>The output shown for the collection; the newest one when none was picked.</summary>
    public Guid? CoverOutputId { get; set; }

    public List<CollectionItem> Items { get; set; } = [];

    public List<CollectionShare> Shares { get; set; } = [];
}

/// <summary>One output in a collection, and who put it there.</summary>
public sealed class CollectionItem
{
    public Guid CollectionId { get; set; }

    public Guid OutputId { get; set; }

    public JobOutput? Output { get; set; }

    /// <summary>
    /// Who added it. An output reaches the collection's people when its job is shared with the team, or when the job's
    /// owner added it themselves; never because someone else added a job its owner keeps private.
    /// </summary>
    public Guid AddedById { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A collection shared with one group, as viewer or editor.</summary>
public sealed class CollectionShare
{
    public Guid CollectionId { get; set; }

    public Guid GroupId { get; set; }

    public Group? Group { get; set; }

    public CollectionRole Role { get; set; }
}

/// <summary>A star a person put on an output.</summary>
public sealed class Favourite
{
    public Guid UserId { get; set; }

    public Guid OutputId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
