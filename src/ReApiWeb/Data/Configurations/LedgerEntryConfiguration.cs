using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ModelId).HasMaxLength(100);
        builder.Property(e => e.Note).HasMaxLength(500);
        builder.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Restrict);

        // A job is held, charged, released and refunded at most once each, whatever runs concurrently.
        builder.HasIndex(e => new { e.JobId, e.Kind }).IsUnique();
        builder.HasOne<ChatReply>().WithMany().HasForeignKey(e => e.ChatReplyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.ChatReplyId, e.Kind }).IsUnique();
        // Covering indexes for the allowance sums that every admission runs: a person's, and everyone's, since a date.
        builder.HasIndex(e => new { e.UserId, e.PeriodAt, e.Kind, e.Credits });
        builder.HasIndex(e => new { e.PeriodAt, e.UserId, e.Kind, e.Credits });
        builder.HasIndex(e => e.At);
    }
}
