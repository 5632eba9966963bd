using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class JobOutputConfiguration : IEntityTypeConfiguration<JobOutput>
{
    public void Configure(EntityTypeBuilder<JobOutput> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.UpstreamUrl).HasMaxLength(2048);
        builder.Property(o => o.StoragePath).HasMaxLength(400);
        builder.Property(o => o.ThumbnailPath).HasMaxLength(400);
        builder.Property(o => o.Label).HasMaxLength(200);
        builder.Property(o => o.ContentType).HasMaxLength(100);
        builder.Property(o => o.ArchiveError).HasMaxLength(1000);
        builder.HasIndex(o => new { o.JobId, o.Kind, o.Index }).IsUnique();
        builder.HasIndex(o => o.ArchivedAt);
    }
}
