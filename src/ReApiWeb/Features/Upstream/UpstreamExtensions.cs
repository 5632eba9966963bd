using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Upstream;

public static partial class UpstreamExtensions
{
    /// <summary>The embedded sandbox's key, protected, in the settings table.</summary>
    private const string SandboxKeySetting = "Sandbox.Key";

    public static WebApplicationBuilder AddUpstream(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReApiOptions>().Bind(builder.Configuration.GetSection(ReApiOptions.SectionName))
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", "ReApi:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.RequestsPerSecond is >= 1 and <= 1000, "ReApi:RequestsPerSecond must be between 1 and 1000.")
            .Validate(o => o.RequestTimeoutSeconds is >= 5 and <= 600, "ReApi:RequestTimeoutSeconds must be between 5 and 600.")
            .Validate(o => o.RateWindowMilliseconds is >= 1000 and <= 5000, "ReApi:RateWindowMilliseconds must be between 1000 and 5000.")
            .Validate(o => o.Accounts.All(a => !string.IsNullOrWhiteSpace(a.Name) && a.Name.Trim().Length <= UpstreamAccount.MaxNameLength), $"Every ReApi:Accounts entry needs a Name of at most {UpstreamAccount.MaxNameLength} characters.")
            .Validate(o => o.Accounts.All(a => a.BaseUrl is null || (Uri.TryCreate(a.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")), "ReApi:Accounts:N:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.Accounts.All(a => a.RequestsPerSecond is null or (>= 1 and <= 1000)), "ReApi:Accounts:N:RequestsPerSecond must be between 1 and 1000.")
            .Validate(o => o.Accounts.Select(a => a.Name?.Trim()).Distinct(StringComparer.Ordinal).Count() == o.Accounts.Count, "ReApi:Accounts names must be unique.")
            .ValidateOnStart();
        var clustered = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Redis"));
        services.AddOptions<SandboxModeOptions>().Bind(builder.Configuration.GetSection(SandboxModeOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.SelfUrl) || Uri.TryCreate(o.SelfUrl, UriKind.Absolute, out _), "Sandbox:SelfUrl must be an absolute URL.")
            .Validate(o => !clustered || o.Enabled == false,
                "With ConnectionStrings:Redis (several instances), set Sandbox:Enabled to false: the embedded sandbox keeps its tasks inside one instance, where the others cannot follow them. Configure a reAPI account (ReApi:Accounts, or ReApi:ApiKey) for the instances to share.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UpstreamAccounts>();
        services.TryAddSingleton<IRateGates, LocalRateGates>();
        services.AddSingleton<UpstreamClients>();
        services.AddSingleton<AccountRouter>();
        services.AddSingleton<UpstreamMode>();
        services.AddSingleton<UpstreamBalance>();
        services.AddSingleton<UnconfirmedJobs>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PeopleAdmin>();
        services.AddSingleton<SandboxKey>();

        var sandboxSection = builder.Configuration.GetSection(SandboxModeOptions.SectionName);
        var dataDirectory = builder.Configuration[$"{StorageOptions.SectionName}:DataDirectory"] ?? "data";
        services.AddReApiSandbox(options =>
        {
            sandboxSection.Bind(options);
            options.StateFile ??= Path.Combine(dataDirectory, "sandbox-state.json");
        });
        return builder;
    }

    /// <summary>
    /// Before the app serves: gives the embedded sandbox this installation's key (kept across restarts, so its tasks
    /// survive them), completes the migration of an earlier shared key, and on the very first start seeds the
    /// configuration's accounts and tests each one with a balance call.
    /// </summary>
    public static async Task PrepareUpstreamAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var sandboxKey = await SandboxKeyAsync(services, cancellationToken);
        services.GetRequiredService<SandboxKey>().Set(sandboxKey);
        services.GetRequiredService<SandboxOptions>().ApiKeys.Add(sandboxKey);

        var options = services.GetRequiredService<IOptions<ReApiOptions>>().Value;
        var accounts = services.GetRequiredService<UpstreamAccounts>();
        await accounts.CompleteMigrationAsync(options.BaseUrl, cancellationToken);
        var seeds = options.Seeds();
        var added = await accounts.SeedAsync([.. seeds.Select(s => s.Draft)], cancellationToken);
        if (added.Count == 0)
        {
            return;
        }

        await AssignSeededGroupsAsync(services, accounts, added, [.. seeds.Select(s => s.Groups)], cancellationToken);
        var clients = services.GetRequiredService<UpstreamClients>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UpstreamExtensions));
        foreach (var id in added.Where((_, i) => !string.IsNullOrWhiteSpace(seeds[i].Draft.ApiKey)))
        {
            // A short bound: an unreachable reAPI must not hold the start; the balance reader tests it again later.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var test = await TestAtStartAsync(clients, id, timeout.Token);
            var name = (await accounts.FindAsync(id, cancellationToken))?.Name ?? id.ToString();
            if (test.Passed)
            {
                LogSeedTested(logger, name, test.Balance ?? 0);
            }
            else
            {
                LogSeedFailed(logger, name, test.Problem!);
            }
        }
    }

    private static async Task<AccountTest> TestAtStartAsync(UpstreamClients clients, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.TestAsync(id, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return new AccountTest(null, "reAPI did not answer within 10 seconds at start.");
        }
    }

    private static async Task AssignSeededGroupsAsync(IServiceProvider services, UpstreamAccounts accounts, IReadOnlyList<Guid> added, IReadOnlyList<IReadOnlyList<string>> groups, CancellationToken cancellationToken)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        for (var i = 0; i < added.Count; i++)
        {
            if (groups[i].Count == 0)
            {
                continue;
            }

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var assigned = new List<AccountGroup>();
            foreach (var name in groups[i].Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal))
            {
                var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == name, cancellationToken);
                if (group is null)
                {
                    group = new Group { Name = name, CreatedAt = time.GetUtcNow() };
                    db.Groups.Add(group);
                    await db.SaveChangesAsync(cancellationToken);
                }

                assigned.Add(new AccountGroup(group.Id, assigned.Count));
            }

            await accounts.SetGroupsAsync(added[i], assigned, by: null, cancellationToken);
        }
    }

    private static async Task<string> SandboxKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("ReApiWeb.SandboxKey.v1");
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        if (await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == SandboxKeySetting, cancellationToken) is { } stored)
        {
            try
            {
                return protector.Unprotect(stored.Value);
            }
            catch (CryptographicException)
            {
                // The key ring changed (a new machine without the old keys): the sandbox starts over with a new key.
                db.Settings.Remove(stored);
            }
        }

        var key = "rk_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        db.Settings.Add(new AppSetting { Key = SandboxKeySetting, Value = protector.Protect(key), UpdatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public static IEndpointRouteBuilder MapEmbeddedSandbox(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<UpstreamMode>().SandboxMounted)
        {
            endpoints.MapReApiSandbox(UpstreamClients.SandboxPath);
        }

        return endpoints;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "reAPI account \"{Name}\" seeded from configuration and tested: balance {Balance}")]
    private static partial void LogSeedTested(ILogger logger, string name, long balance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reAPI account \"{Name}\" seeded from configuration, but its test failed: {Problem}. It takes no jobs until a test passes (Admin → Accounts, or the next balance reading).")]
    private static partial void LogSeedFailed(ILogger logger, string name, string problem);
}
