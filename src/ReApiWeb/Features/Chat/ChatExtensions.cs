namespace ReApiWeb.Features.Chat;

public static class ChatExtensions
{
    public static WebApplicationBuilder AddChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>().Bind(builder.Configuration.GetSection(ChatOptions.SectionName))
            .Validate(o => o.DefaultMaxTokens is >= 1 and <= 1_000_000, "Chat:DefaultMaxTokens must be between 1 and 1000000.")
            .Validate(o => o.MaxImageBytes is >= 1024 and <= 64 * 1024 * 1024, "Chat:MaxImageBytes must be between 1024 and 67108864 (64 MiB).")
            .Validate(o => o.Group is null || o.Group.Length <= 100, "Chat:Group must be at most 100 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChatGateway>();
        builder.Services.AddSingleton<ChatConversations>();
        builder.Services.AddSingleton<ChatLive>();
        builder.Services.AddSingleton<ChatSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChatSweeper>());
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        // A conversation as a Markdown file: its owner's, or one shared with the team (else 404, as if it did not exist).
        endpoints.MapGet("/chat/{id:guid}/markdown", async (Guid id, HttpContext context, ChatConversations conversations) =>
        {
            var user = Auth.CurrentUser.From(context.User)!;
            if (await conversations.GetAsync(user.Id, id, context.RequestAborted) is not { } conversation)
            {
                return Results.NotFound();
            }

            var name = string.Concat(conversation.Title.Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-');
            return Results.File(System.Text.Encoding.UTF8.GetBytes(ChatConversations.ToMarkdown(conversation)), "text/markdown; charset=utf-8",
                $"{(name.Length == 0 ? "chat" : name)}.md");
        }).RequireAuthorization();
        return endpoints.MapOpenAiCompatibleApi();
    }
}
