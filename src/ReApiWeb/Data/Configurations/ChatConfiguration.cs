using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReApiWeb.Data.Configurations;

public sealed class ChatReplyConfiguration : IEntityTypeConfiguration<ChatReply>
{
    public void Configure(EntityTypeBuilder<ChatReply> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ModelId).HasMaxLength(100);
        builder.Property(r => r.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Error).HasMaxLength(1000);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.Status, r.InstanceId });
        builder.HasIndex(r => new { r.UserId, r.StartedAt });
    }
}

public sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Title).HasMaxLength(Conversation.MaxTitleLength);
        builder.Property(c => c.ModelId).HasMaxLength(100);
        builder.Property(c => c.SystemPrompt).HasMaxLength(Conversation.MaxSystemPromptLength);
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.OwnerId, c.UpdatedAt });
    }
}

public sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Content).HasMaxLength(ChatMessage.MaxContentLength);
        builder.Property(m => m.ModelId).HasMaxLength(100);
        builder.PrimitiveCollection(m => m.ImageIds);
        builder.HasOne(m => m.Reply).WithMany().HasForeignKey(m => m.ReplyId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(m => new { m.ConversationId, m.Index }).IsUnique();
    }
}
