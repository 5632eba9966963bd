namespace ReApiWeb.Data;

/// <summary>A setting an admin changed in the UI. Secret values are stored protected (Data Protection), never in clear.</summary>
public sealed class AppSetting
{
    public required string Key { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }
}
