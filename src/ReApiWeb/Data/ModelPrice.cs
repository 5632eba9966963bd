namespace ReApiWeb.Data;

/// <summary>
/// An admin's price for one model and tier, in credits per reAPI billing unit. Models without a row use the catalog's
/// price list; <see cref="Tier"/> is empty for the base price.
/// </summary>
public sealed class ModelPrice
{
    public required string ModelId { get; set; }

    public string Tier { get; set; } = "";

    public decimal Credits { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }
}
