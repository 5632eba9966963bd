using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class AccountLinkConfiguration : IEntityTypeConfiguration<AccountLink>
{
    public void Configure(EntityTypeBuilder<AccountLink> builder)
    {
        builder.HasKey(l => l.Id);
        builder.HasOne(l => l.User).WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.SecretHash).HasMaxLength(64);
        builder.HasIndex(l => l.SecretHash).IsUnique();
        builder.HasIndex(l => l.UserId);
        builder.Property(l => l.Kind).HasConversion<string>().HasMaxLength(16);
    }
}
