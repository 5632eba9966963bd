namespace ReApiWeb.Data;

public enum AccountLinkKind
{
    /// <summary>An admin invited a person: the link lets them choose their name and password.</summary>
    Invite,

    /// <summary>An admin reset a person's password: the link lets them choose a new one.</summary>
    PasswordReset,
}

/// <summary>
/// A one-time, expiring link an admin hands to a person (no mail server is assumed). Only a hash of the link's secret
/// is kept; the link works once, before <see cref="ExpiresAt"/>, for the person it was made for.
/// </summary>
public sealed class AccountLink
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public AccountLinkKind Kind { get; set; }

    public Guid UserId { get; set; }

    public User? User { get; set; }

    /// <summary>SHA-256 of the secret in the link, hex.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public Guid CreatedBy { get; set; }
}
