namespace ReApiWeb.Data;

/// <summary>
/// A token a person made for their scripts. Only its SHA-256 hash is stored (tokens are 256-bit random, so a plain
/// hash is safe); the clear token is shown once, at creation.
/// </summary>
public sealed class PersonalAccessToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    public User? User { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the token, to recognise it in lists.</summary>
    public required string Prefix { get; set; }

    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
