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
        builder.Services.AddSingleton<ChatSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChatSweeper>());
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints) => endpoints.MapOpenAiCompatibleApi();
}
