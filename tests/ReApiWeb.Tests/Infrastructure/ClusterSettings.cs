namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Settings for app instances that share a new PostgreSQL database, Redis, one key ring, one folder of outputs and
/// uploads (the shared volume) and one reAPI account; each keeps its own data folder.
/// </summary>
public static class ClusterSettings
{
    public static async Task<Dictionary<string, string?>> ForAsync(PostgresServer postgres, RedisServer redis, Uri reapi, string key)
    {
        var shared = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["ReApi:Accounts:0:Name"] = "Team",
            ["ReApi:Accounts:0:BaseUrl"] = reapi.AbsoluteUri,
            ["ReApi:Accounts:0:ApiKey"] = key,
            ["Sandbox:Enabled"] = "false",
            ["ConnectionStrings:Redis"] = await redis.ConnectionStringAsync(),
            ["DataProtection:KeyRingDirectory"] = Path.Combine(shared, "keys"),
            ["Storage:OutputsDirectory"] = Path.Combine(shared, "outputs"),
            ["Media:UploadsDirectory"] = Path.Combine(shared, "uploads"),
        };
        await postgres.UseAsync(settings);
        return settings;
    }
}
