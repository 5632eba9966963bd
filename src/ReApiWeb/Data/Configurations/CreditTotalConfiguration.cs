using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class CreditTotalConfiguration : IEntityTypeConfiguration<CreditTotal>
{
    public void Configure(EntityTypeBuilder<CreditTotal> builder)
    {
        builder.HasKey(t => new { t.UserId, t.AccountId, t.Period, t.PeriodStart });

        // A group's allowance sums its members' rows of one period: found by the period, not by scanning every row
        // (one a person a day, week and month of history).
        builder.HasIndex(t => new { t.Period, t.PeriodStart, t.UserId });
    }
}
