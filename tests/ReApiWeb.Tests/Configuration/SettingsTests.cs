using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Configuration;

public sealed class SettingsTests
{
    [Fact]
    public async Task The_documented_example_settings_start_a_healthy_app()
    {
        var data = TestApp.NewDataDirectory();
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(TestApp.RepositoryRoot(), "appsettings.example.json")).Build();
        var settings = example.AsEnumerable().Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value);
        settings["ConnectionStrings:Default"] = $"Data Source={Path.Combine(data, "example.db")}";
        settings["Storage:DataDirectory"] = data;
        settings["Storage:OutputsDirectory"] = Path.Combine(data, "outputs");
        settings["Media:UploadsDirectory"] = Path.Combine(data, "uploads");
        settings["DataProtection:KeyRingDirectory"] = Path.Combine(data, "keys");
        settings["Sandbox:SelfUrl"] = "";

        await using var app = TestApp.Start(data, settings);
        using var client = app.AnonymousClient();
        using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void A_misconfigured_app_refuses_to_start_and_lists_every_problem()
    {
        var error = Assert.ThrowsAny<Exception>(() => TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?>
        {
            ["ReApi:BaseUrl"] = "not a url",
            ["ReApi:RequestsPerSecond"] = "0",
            ["Auth:BootstrapAdmin:Password"] = "short",
            ["Media:LinkLifetime"] = "00:10:00",
            ["Credits:TimeZone"] = "Mars/Olympus_Mons",
            ["Credits:NoticeShare"] = "2",
        }));

        var messages = string.Join("\n", Flatten(error).OfType<OptionsValidationException>().SelectMany(e => e.Failures));
        Assert.Contains("ReApi:BaseUrl must be an absolute http(s) URL.", messages, StringComparison.Ordinal);
        Assert.Contains("ReApi:RequestsPerSecond must be between 1 and 1000.", messages, StringComparison.Ordinal);
        Assert.Contains("Auth:BootstrapAdmin:Password must have at least 8 characters.", messages, StringComparison.Ordinal);
        Assert.Contains("Media:LinkLifetime must be at least 1 hour", messages, StringComparison.Ordinal);
        Assert.Contains("Credits:TimeZone must be a time zone id this machine knows", messages, StringComparison.Ordinal);
        Assert.Contains("Credits:NoticeShare must be above 0 and at most 1", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_instances_refuse_the_embedded_sandbox_and_say_what_to_do()
    {
        // Redis is how instances share work; the embedded sandbox's tasks would live in one of them only.
        var error = Assert.ThrowsAny<Exception>(() => TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = "127.0.0.1:1" }));

        var messages = string.Join("\n", Flatten(error).OfType<OptionsValidationException>().SelectMany(e => e.Failures));
        Assert.Contains("With ConnectionStrings:Redis (several instances), set Sandbox:Enabled to false", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_with_a_SQLite_connection_string_refuses_to_start_and_says_what_to_set()
    {
        // TestApp's default connection string is SQLite's, as a configuration that only switched the provider would be.
        var error = Assert.ThrowsAny<Exception>(() => TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["Database:Provider"] = "Postgres" }));

        Assert.Contains(
            "Database:Provider is Postgres, so ConnectionStrings:Default must be a PostgreSQL connection string",
            string.Join("\n", Flatten(error).Select(e => e.Message)),
            StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : e.InnerException is { } inner ? [e, .. Flatten(inner)] : [e];
}
