namespace ReApiWeb.Features.Collections;

public static class CollectionsExtensions
{
    public static WebApplicationBuilder AddCollections(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TeamCollections>();
        builder.Services.AddSingleton<Favourites>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCollections(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapCollectionEndpoints();
        return endpoints;
    }
}
