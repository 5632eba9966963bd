namespace ReApiWeb.Features.Templates;

public static class TemplatesExtensions
{
    public static WebApplicationBuilder AddPromptTemplates(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PromptTemplates>();
        return builder;
    }
}
