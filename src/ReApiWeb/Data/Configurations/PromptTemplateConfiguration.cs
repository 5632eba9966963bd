using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class PromptTemplateConfiguration : IEntityTypeConfiguration<PromptTemplate>
{
    public void Configure(EntityTypeBuilder<PromptTemplate> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(PromptTemplate.MaxNameLength);
        builder.Property(t => t.Text).HasMaxLength(PromptTemplate.MaxTextLength);
        builder.HasOne(t => t.Owner).WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(t => t.NameKey).HasMaxLength(PromptTemplate.MaxNameLength);
        builder.HasIndex(t => new { t.OwnerId, t.NameKey }).IsUnique();
        builder.HasIndex(t => t.Shared);
    }
}
