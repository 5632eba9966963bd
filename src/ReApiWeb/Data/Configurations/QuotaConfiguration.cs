using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class QuotaConfiguration : IEntityTypeConfiguration<Quota>
{
    public void Configure(EntityTypeBuilder<Quota> builder)
    {
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Scope).HasConversion<string>().HasMaxLength(16);
        builder.Property(q => q.Period).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(q => new { q.Scope, q.SubjectId, q.Period }).IsUnique();
        builder.HasMany(q => q.Grants).WithOne().HasForeignKey(g => g.QuotaId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class QuotaGrantConfiguration : IEntityTypeConfiguration<QuotaGrant>
{
    public void Configure(EntityTypeBuilder<QuotaGrant> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Reason).HasMaxLength(500);
    }
}

public sealed class QuotaNoticeConfiguration : IEntityTypeConfiguration<QuotaNotice>
{
    public void Configure(EntityTypeBuilder<QuotaNotice> builder)
    {
        builder.HasKey(n => new { n.QuotaId, n.UserId, n.PeriodStart });
        builder.Property(n => n.Message).HasMaxLength(500);
        builder.HasOne<Quota>().WithMany().HasForeignKey(n => n.QuotaId).OnDelete(DeleteBehavior.Cascade);
    }
}
