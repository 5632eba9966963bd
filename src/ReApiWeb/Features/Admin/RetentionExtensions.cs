namespace ReApiWeb.Features.Admin;

public static class RetentionExtensions
{
    public static WebApplicationBuilder AddRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection(RetentionOptions.SectionName))
            .Validate(o => o.AuditDays is null or >= 1 && o.ArchivedOutputDays is null or >= 1 && o.ExpiredSessionDays is null or >= 1,
                "Retention:AuditDays, Retention:ArchivedOutputDays and Retention:ExpiredSessionDays are whole numbers of days, 1 or more (leave one out to keep for ever).")
            .ValidateOnStart();
        builder.Services.AddSingleton<Retention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Retention>());

        // Keeping data safe the other way: backups made from the System page.
        builder.Services.AddSingleton<AdminBackups>();
        return builder;
    }
}
