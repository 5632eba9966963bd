using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> builder)
    {
        builder.HasKey(u => u.Id);
        builder.Property(u => u.FileName).HasMaxLength(255);
        builder.Property(u => u.ContentType).HasMaxLength(100);
        builder.Property(u => u.StoragePath).HasMaxLength(400);
        builder.HasIndex(u => new { u.OwnerId, u.CreatedAt });
        builder.HasIndex(u => u.CreatedAt);
    }
}
