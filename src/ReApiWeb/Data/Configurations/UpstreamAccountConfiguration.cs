using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class UpstreamAccountConfiguration : IEntityTypeConfiguration<UpstreamAccount>
{
    public void Configure(EntityTypeBuilder<UpstreamAccount> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(UpstreamAccount.MaxNameLength);
        builder.HasIndex(a => a.Name).IsUnique();
        builder.Property(a => a.BaseUrl).HasMaxLength(500);
        builder.Property(a => a.KeyProblem).HasMaxLength(500);
        builder.HasMany(a => a.Groups).WithOne().HasForeignKey(g => g.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class UpstreamAccountGroupConfiguration : IEntityTypeConfiguration<UpstreamAccountGroup>
{
    public void Configure(EntityTypeBuilder<UpstreamAccountGroup> builder)
    {
        builder.HasKey(g => new { g.AccountId, g.GroupId });
        builder.HasOne<Group>().WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(g => g.GroupId);
    }
}
