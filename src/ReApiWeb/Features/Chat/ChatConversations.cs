using Microsoft.EntityFrameworkCore;
using ReApi.Client.Chat;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Chat;

/// <summary>A conversation in the list.</summary>
public sealed record ConversationSummary(Guid Id, string Title, string ModelId, DateTimeOffset UpdatedAt, bool Shared);

/// <summary>A message as the page shows it, with its reply's tokens, cost and status when it is a model's.</summary>
public sealed record ChatMessageView(Guid Id, int Index, ChatRole Role, string Content, string? ModelId, ChatReply? Reply)
{
    /// <summary>The images sent with a person's message (outputs' ids).</summary>
    public IReadOnlyList<Guid> ImageIds { get; init; } = [];
}

/// <summary>A conversation as the page shows it; <see cref="IsMine"/> false: a teammate's, shared read-only.</summary>
public sealed record ConversationView(
    Guid Id, string Title, string ModelId, string SystemPrompt, double? Temperature, int? MaxTokens, bool Shared, bool IsMine, string OwnerName,
    IReadOnlyList<ChatMessageView> Messages);

/// <summary>
/// People's conversations: each belongs to its owner, who alone lists, changes, deletes or continues it; shared, the
/// team reads it at its permalink. Deleting a conversation keeps its replies' ledger (the replies stay, unlinked).
/// </summary>
public sealed class ChatConversations(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(Guid userId, string? search, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Conversations.AsNoTracking().Where(c => c.OwnerId == userId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(c => c.Title.ToLower().Contains(term) || c.Messages.Any(m => m.Content.ToLower().Contains(term)));
        }

        return await query.OrderByDescending(c => c.UpdatedAt).Take(200)
            .Select(c => new ConversationSummary(c.Id, c.Title, c.ModelId, c.UpdatedAt, c.SharedAt != null)).ToListAsync(cancellationToken);
    }

    /// <summary>The conversation if <paramref name="userId"/> owns it, or it is shared with the team; else null.</summary>
    public async Task<ConversationView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.AsNoTracking().Include(c => c.Owner)
            .Include(c => c.Messages.OrderBy(m => m.Index)).ThenInclude(m => m.Reply)
            .SingleOrDefaultAsync(c => c.Id == id && (c.OwnerId == userId || c.SharedAt != null), cancellationToken);
        return conversation is null ? null : new ConversationView(
            conversation.Id, conversation.Title, conversation.ModelId, conversation.SystemPrompt, conversation.Temperature, conversation.MaxTokens,
            conversation.SharedAt is not null, conversation.OwnerId == userId, conversation.Owner?.DisplayName ?? "",
            [.. conversation.Messages.OrderBy(m => m.Index).Select(m => new ChatMessageView(m.Id, m.Index, m.Role, m.Content, m.ModelId, m.Reply) { ImageIds = m.ImageIds })]);
    }

    public async Task<Guid> CreateAsync(Guid userId, string modelId, CancellationToken cancellationToken)
    {
        var model = ChatModels.Find(modelId) ?? throw new ArgumentException($"'{modelId}' is not a chat model.", nameof(modelId));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var conversation = new Conversation { OwnerId = userId, Title = Conversation.UntitledTitle, ModelId = model.Id, CreatedAt = now, UpdatedAt = now };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return conversation.Id;
    }

    public Task RenameAsync(Guid userId, Guid id, string title, CancellationToken cancellationToken)
    {
        var trimmed = title.Trim();
        if (trimmed.Length is 0 or > Conversation.MaxTitleLength)
        {
            throw new ArgumentException($"A title has 1 to {Conversation.MaxTitleLength} characters.", nameof(title));
        }

        return ChangeAsync(userId, id, c => c.Title = trimmed, cancellationToken);
    }

    /// <summary>Changes the model and settings the next replies use.</summary>
    public Task SetSettingsAsync(Guid userId, Guid id, string modelId, string systemPrompt, double? temperature, int? maxTokens, CancellationToken cancellationToken)
    {
        var model = ChatModels.Find(modelId) ?? throw new ArgumentException($"'{modelId}' is not a chat model.", nameof(modelId));
        if (systemPrompt.Length > Conversation.MaxSystemPromptLength)
        {
            throw new ArgumentException($"The system prompt may have at most {Conversation.MaxSystemPromptLength:N0} characters.", nameof(systemPrompt));
        }

        if (temperature is < 0 or > 2)
        {
            throw new ArgumentException("The temperature is a number from 0 to 2.", nameof(temperature));
        }

        if (maxTokens is < 1 || maxTokens > model.MaxOutputTokens)
        {
            throw new ArgumentException($"{model.DisplayName} writes 1 to {model.MaxOutputTokens:N0} tokens per reply.", nameof(maxTokens));
        }

        return ChangeAsync(userId, id, c =>
        {
            c.ModelId = model.Id;
            c.SystemPrompt = systemPrompt;
            c.Temperature = temperature;
            c.MaxTokens = maxTokens;
        }, cancellationToken);
    }

    public Task ShareAsync(Guid userId, Guid id, bool shared, CancellationToken cancellationToken) =>
        ChangeAsync(userId, id, c => c.SharedAt = shared ? c.SharedAt ?? time.GetUtcNow() : null, cancellationToken);

    public async Task DeleteAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == id && c.OwnerId == userId, cancellationToken)
            ?? throw new KeyNotFoundException("That conversation no longer exists.");
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The conversation as Markdown: its title, settings and messages.</summary>
    public static string ToMarkdown(ConversationView conversation)
    {
        var text = new System.Text.StringBuilder();
        text.Append("# ").AppendLine(conversation.Title).AppendLine();
        text.Append("Model: ").AppendLine(ChatModels.Find(conversation.ModelId)?.DisplayName ?? conversation.ModelId);
        if (conversation.SystemPrompt.Length > 0)
        {
            text.AppendLine().AppendLine("## System").AppendLine().AppendLine(conversation.SystemPrompt);
        }

        foreach (var message in conversation.Messages)
        {
            var who = message.Role == ChatRole.User ? "You" : ChatModels.Find(message.ModelId)?.DisplayName ?? message.ModelId ?? "Assistant";
            text.AppendLine().Append("## ").AppendLine(who).AppendLine().AppendLine(message.Content);
        }

        return text.ToString();
    }

    private async Task ChangeAsync(Guid userId, Guid id, Action<Conversation> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == id && c.OwnerId == userId, cancellationToken)
            ?? throw new KeyNotFoundException("That conversation no longer exists.");
        change(conversation);
        conversation.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }
}
