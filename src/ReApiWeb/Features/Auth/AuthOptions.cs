namespace ReApiWeb.Features.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

/// <summary>The local admin created at first start so the app works out of the box.</summary>
public sealed class BootstrapAdminOptions
{
    public string Email { get; set; } = "admin@localhost";

    /// <summary>When empty, the first start generates a password and writes it once to the log.</summary>
    public string? Password { get; set; }

    public string DisplayName { get; set; } = "Administrator";
}
