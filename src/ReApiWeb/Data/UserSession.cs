namespace ReApiWeb.Data;

/// <summary>
/// A signed-in browser. The cookie carries only this row's id; the authentication ticket (claims and, for SSO, the
/// provider's tokens) stays here, encrypted. Deleting the row signs that browser out.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    public User? User { get; set; }

    /// <summary>The authentication ticket, serialized and protected with Data Protection.</summary>
    public required byte[] Ticket { get; set; }

    /// <summary>True when the person signed in through the identity provider.</summary>
    public bool FromProvider { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the identity provider last confirmed this person (sign-in or token refresh).</summary>
    public DateTimeOffset? ProviderCheckedAt { get; set; }

    public string? Address { get; set; }

    public string? UserAgent { get; set; }
}
