using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class CollectionConfiguration : IEntityTypeConfiguration<Collection>
{
    public void Configure(EntityTypeBuilder<Collection> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(Collection.MaxNameLength);
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<JobOutput>().WithMany().HasForeignKey(c => c.CoverOutputId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(c => c.Items).WithOne().HasForeignKey(i => i.CollectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Shares).WithOne().HasForeignKey(s => s.CollectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.OwnerId, c.UpdatedAt });
    }
}

public sealed class CollectionItemConfiguration : IEntityTypeConfiguration<CollectionItem>
{
    public void Configure(EntityTypeBuilder<CollectionItem> builder)
    {
        builder.HasKey(i => new { i.CollectionId, i.OutputId });
        builder.HasOne(i => i.Output).WithMany().HasForeignKey(i => i.OutputId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => i.OutputId);
    }
}

public sealed class CollectionShareConfiguration : IEntityTypeConfiguration<CollectionShare>
{
    public void Configure(EntityTypeBuilder<CollectionShare> builder)
    {
        builder.HasKey(s => new { s.CollectionId, s.GroupId });
        builder.HasOne(s => s.Group).WithMany().HasForeignKey(s => s.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class FavouriteConfiguration : IEntityTypeConfiguration<Favourite>
{
    public void Configure(EntityTypeBuilder<Favourite> builder)
    {
        builder.HasKey(f => new { f.UserId, f.OutputId });
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<JobOutput>().WithMany().HasForeignKey(f => f.OutputId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => f.OutputId);
    }
}
