namespace ReApiWeb.Features.Credits;

public static class CreditsExtensions
{
    public static WebApplicationBuilder AddCredits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CreditsOptions>().Bind(builder.Configuration.GetSection(CreditsOptions.SectionName))
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Credits:TimeZone must be a time zone id this machine knows, e.g. UTC or Europe/Paris.")
            .Validate(o => o.NoticeShare is > 0 and <= 1, "Credits:NoticeShare must be above 0 and at most 1 (0.8 = told at 80%).")
            .Validate(o => o.ReconcileInterval >= TimeSpan.FromSeconds(10), "Credits:ReconcileInterval must be at least 10 seconds.")
            .Validate(o => o.DriftWarningCredits >= 0, "Credits:DriftWarningCredits must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<PriceBook>();
        services.AddSingleton<CreditTotals>();
        services.AddSingleton<Allowances>();
        services.AddSingleton<CreditLedger>();
        services.AddSingleton<CreditBalances>();
        services.AddSingleton<QuotaAdmin>();
        services.AddSingleton<UsageReports>();
        services.AddSingleton<Reconciliation>();
        services.AddHostedService<BalanceReader>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCredits(this IEndpointRouteBuilder endpoints) => endpoints.MapUsageExports();
}
