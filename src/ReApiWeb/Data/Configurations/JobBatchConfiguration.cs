using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class JobBatchConfiguration : IEntityTypeConfiguration<JobBatch>
{
    public void Configure(EntityTypeBuilder<JobBatch> builder)
    {
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Title).HasMaxLength(JobBatch.MaxTitleLength);
        builder.HasOne(b => b.Owner).WithMany().HasForeignKey(b => b.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => new { b.OwnerId, b.CreatedAt });
    }
}
