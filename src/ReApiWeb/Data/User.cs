namespace ReApiWeb.Data;

/// <summary>A person who may use the dashboard: a local account (with a password hash) or, later, one from SSO.</summary>
public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Lower-cased e-mail address; unique.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash, or null for accounts that cannot sign in locally.</summary>
    public string? PasswordHash { get; set; }

    public bool IsAdmin { get; set; }

    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
