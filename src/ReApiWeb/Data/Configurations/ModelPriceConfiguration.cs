using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class ModelPriceConfiguration : IEntityTypeConfiguration<ModelPrice>
{
    public void Configure(EntityTypeBuilder<ModelPrice> builder)
    {
        builder.HasKey(p => new { p.ModelId, p.Tier });
        builder.Property(p => p.ModelId).HasMaxLength(100);
        builder.Property(p => p.Tier).HasMaxLength(32);
        builder.Property(p => p.Credits).HasPrecision(18, 4);
    }
}

public sealed class BalanceReadingConfiguration : IEntityTypeConfiguration<BalanceReading>
{
    public void Configure(EntityTypeBuilder<BalanceReading> builder)
    {
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.AccountId, r.At });
    }
}
