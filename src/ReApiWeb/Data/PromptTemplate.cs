namespace ReApiWeb.Data;

/// <summary>
/// A saved prompt with named <c>{placeholders}</c> a person fills in when they use it: their own, or shared with the
/// whole team (only its owner, or an admin, changes or deletes it).
/// </summary>
public sealed class PromptTemplate
{
    public const int MaxNameLength = 80;

    public const int MaxTextLength = 8000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid OwnerId { get; set; }

    public User? Owner { get; set; }

    public required string Name { get; set; }

    /// <summary>The name as compared for uniqueness (trimmed, lower case): one owner has one "Portrait", whatever its case.</summary>
    public string NameKey { get; set; } = "";

    public static string KeyOf(string name) => name.Trim().ToLowerInvariant();

    public required string Text { get; set; }

    /// <summary>Whether every member sees and uses it.</summary>
    public bool Shared { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
