using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class CreditTotalConfiguration : IEntityTypeConfiguration<CreditTotal>
{
    public void Configure(EntityTypeBuilder<CreditTotal> builder) =>
        builder.HasKey(t => new { t.UserId, t.Period, t.PeriodStart });
}
