namespace ReApiWeb.Data;

/// <summary>A person who may use the dashboard: a local account (with a password hash) or one from SSO (with a subject).</summary>
public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Lower-cased e-mail address; unique.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash, or null for accounts that cannot sign in locally.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Made an admin in the app (the bootstrap admin, or by another admin).</summary>
    public bool IsAdmin { get; set; }

    /// <summary>The identity provider's <c>sub</c> for people who sign in with SSO; unique.</summary>
    public string? Subject { get; set; }

    /// <summary>An admin by the identity provider's groups or roles, as of the last sign-in or refresh.</summary>
    public bool IsProviderAdmin { get; set; }

    /// <summary>Admin rights from either source.</summary>
    public bool HasAdminRights => IsAdmin || IsProviderAdmin;

    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>Wrong passwords since the last successful sign-in or lockout.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Password sign-in is refused until then, after too many wrong passwords.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}
