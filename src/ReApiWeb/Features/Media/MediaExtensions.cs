namespace ReApiWeb.Features.Media;

public static class MediaExtensions
{
    public static WebApplicationBuilder AddMedia(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().Bind(builder.Configuration.GetSection(MediaOptions.SectionName))
            .Validate(o => o.PublicBaseUrl is null || (o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https"),
                "Media:PublicBaseUrl must be an absolute http(s) URL, the address at which reAPI can reach this app.")
            .Validate(o => o.LinkLifetime >= TimeSpan.FromHours(1), "Media:LinkLifetime must be at least 1 hour (reAPI's providers may fetch inputs late).")
            .Validate(o => o.UploadRetention >= o.LinkLifetime, "Media:UploadRetention must be at least Media:LinkLifetime.")
            .Validate(o => o.MaxUploadBytes > 0, "Media:MaxUploadBytes must be positive.")
            .Validate(o => o.MaxUploadBytesPerPerson >= o.MaxUploadBytes && o.MaxUploadBytesTotal >= o.MaxUploadBytesPerPerson,
                "Media:MaxUploadBytesPerPerson must be at least Media:MaxUploadBytes, and Media:MaxUploadBytesTotal at least Media:MaxUploadBytesPerPerson.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PublicMediaLinks>();
        builder.Services.AddSingleton<UploadStore>();
        builder.Services.AddSingleton<MediaLibrary>();
        builder.Services.AddSingleton<Thumbnails>();
        builder.Services.AddHostedService<UploadPruner>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder endpoints) => endpoints.MapMediaEndpoints();

    /// <summary>The uploads folder, with the setting that names it, for the start-up check that it can be written.</summary>
    public static (string Setting, string Path) UploadsFolder(IServiceProvider services) =>
        ("Media:UploadsDirectory", services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MediaOptions>>().Value
            .ResolveUploadsDirectory(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Data.StorageOptions>>().Value));
}
