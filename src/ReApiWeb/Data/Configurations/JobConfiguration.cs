using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.HasKey(j => j.Id);
        builder.Property(j => j.ModelId).HasMaxLength(100);
        builder.Property(j => j.TaskId).HasMaxLength(128);
        builder.Property(j => j.ErrorMessage).HasMaxLength(2000);
        builder.Property(j => j.LastPollError).HasMaxLength(2000);
        builder.Property(j => j.DurationClass).HasMaxLength(ReApi.Client.Catalog.ModelSpec.MaxDurationClassLength);
        builder.HasOne(j => j.Owner).WithMany().HasForeignKey(j => j.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(j => j.Outputs).WithOne().HasForeignKey(o => o.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(j => new { j.OwnerId, j.CreatedAt });
        builder.HasIndex(j => j.Status);
        builder.HasIndex(j => new { j.Visibility, j.CreatedAt });
        builder.HasIndex(j => j.CreatedAt);
        builder.HasIndex(j => j.TaskId).IsUnique();
        builder.HasIndex(j => new { j.OwnerId, j.SubmissionKey }).IsUnique();

        // No foreign keys for these two: adding one to SQLite rebuilds the table, which would drop the search triggers.
        builder.HasIndex(j => new { j.BatchId, j.BatchIndex });
        builder.HasIndex(j => j.SourceJobId);

        // A model's recent finished jobs: what the poller learns durations from and what the job page estimates with.
        builder.HasIndex(j => new { j.ModelId, j.Status, j.FinishedAt });
    }
}
