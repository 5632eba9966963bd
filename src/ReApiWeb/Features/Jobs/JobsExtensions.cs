using ReApi.Client.Catalog;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

public static class JobsExtensions
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PollingOptions>().Bind(builder.Configuration.GetSection(PollingOptions.SectionName))
            .Validate(o => o.MinInterval > TimeSpan.Zero && o.MinInterval <= o.MaxGap, "Polling: MinInterval must be positive and at most MaxGap.")
            .Validate(o => o.Tick > TimeSpan.Zero && o.PollWorthSeconds >= 0 && o.IdleSlots >= 1, "Polling: Tick must be positive, PollWorthSeconds not negative and IdleSlots at least 1.")
            .Validate(o => o.MaxConcurrentPolls is >= 1 and <= 256, "Polling:MaxConcurrentPolls must be between 1 and 256.")
            .ValidateOnStart();
        services.AddSingleton(ModelCatalog.Default);
        services.AddSingleton(sp =>
        {
            var catalog = sp.GetRequiredService<ModelCatalog>();
            return new DurationBook(id => catalog.Find(id)?.TypicalDuration ?? TimeSpan.FromSeconds(30));
        });
        services.AddSingleton<PollSchedules>();
        services.AddSingleton<JobStateMachine>();
        services.AddSingleton<JobFinalizer>();
        services.AddSingleton<JobAdmission>();
        services.AddSingleton<JobSubmitter>();
        services.AddSingleton<JobEstimates>();
        services.AddSingleton<JobBatches>();
        services.AddScoped<Components.CostConfirmation>();
        services.AddSingleton<SubmissionTurns>();
        services.AddSingleton<ModelAccess>();
        services.AddSingleton<JobSharing>();
        services.AddSingleton<IJobReader, JobReader>();
        services.AddSingleton<OutputArchiver>();
        services.AddHostedService(sp => sp.GetRequiredService<OutputArchiver>());
        services.AddHostedService<JobPoller>();
        services.AddHostedService<JobsHubRelay>();
        services.AddSingleton<JobsHubConnections>();
        services.AddHostedService(sp => sp.GetRequiredService<JobsHubConnections>());
        services.AddSingleton<OutboundAddressPolicy>();
        services.AddHttpClient(OutputArchiver.HttpClientName, http => http.Timeout = OutputArchiver.DownloadTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<OutboundAddressPolicy>().ConnectAsync,
                MaxAutomaticRedirections = 5,
            });
        services.AddSignalR();
        return builder;
    }

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOutputEndpoints();
        endpoints.MapHub<JobsHub>(JobsHub.Path);
        return endpoints;
    }
}
