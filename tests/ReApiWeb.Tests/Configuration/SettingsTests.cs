using System.Net;
using System.Reflection;
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
        settings["Sandbox:StateFile"] = Path.Combine(data, "sandbox-state.json");

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

    /// <summary>
    /// appsettings.example.json documents every option: each of its settings is read by an option (none is stale, none
    /// misspelt), and each option of every section is in it.
    /// </summary>
    [Fact]
    public void The_example_settings_name_every_option_and_nothing_else()
    {
        // The embedded sandbox reads the Sandbox section too.
        var sections = typeof(Program).Assembly.GetTypes().Concat(typeof(ReApi.Sandbox.SandboxOptions).Assembly.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(t => t.Field is { IsLiteral: true })
            .ToLookup(t => (string)t.Field!.GetRawConstantValue()!, t => t.Type, StringComparer.OrdinalIgnoreCase);
        string[] framework = ["ConnectionStrings", "Logging", "AllowedHosts"];
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(TestApp.RepositoryRoot(), "appsettings.example.json")).Build();

        var stale = new List<string>();
        foreach (var (key, _) in example.AsEnumerable())
        {
            var path = key.Split(':');
            if (framework.Contains(path[0], StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!sections[path[0]].Any(type => Binds(type, path[1..])))
            {
                stale.Add(key);
            }
        }

        var undocumented = sections.SelectMany(s => s.SelectMany(type => Options(type, s.Key)))
            .Where(key => !example.AsEnumerable().Any(pair => pair.Key.Equals(key, StringComparison.OrdinalIgnoreCase) || pair.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.True(stale.Count == 0, $"Settings no option reads: {string.Join(", ", stale)}");
        Assert.True(undocumented.Count == 0, $"Options missing from appsettings.example.json: {string.Join(", ", undocumented)}");
    }

    /// <summary>Whether the setting at <paramref name="path"/> (below the section) is a property of <paramref name="type"/>, an item of one of its lists or a key of one of its maps.</summary>
    private static bool Binds(Type type, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
        {
            return true;
        }

        if (Element(type) is { } element)
        {
            return Binds(element, path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && (Bindable(property) || IsSection(property.PropertyType)) && Binds(property.PropertyType, path[1..]);
    }

    /// <summary>A property configuration can set: settable, or a list or map it fills (not a value worked out from others); never a delegate.</summary>
    private static bool Bindable(PropertyInfo property) =>
        !property.PropertyType.IsSubclassOf(typeof(Delegate))
        && (property.CanWrite || typeof(System.Collections.IList).IsAssignableFrom(property.PropertyType) || typeof(System.Collections.IDictionary).IsAssignableFrom(property.PropertyType));

    /// <summary>The settings an options type reads, as keys (a list's or map's items are named by the list).</summary>
    private static IEnumerable<string> Options(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            if (IsSection(property.PropertyType))
            {
                foreach (var nested in Options(property.PropertyType, key))
                {
                    yield return nested;
                }
            }
            else if (Bindable(property))
            {
                yield return key;
            }
        }
    }

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && Element(type) is null && type.Namespace?.StartsWith("ReApi", StringComparison.Ordinal) == true;

    /// <summary>The item type of a list, array or map (a map's items are named by their key), or null.</summary>
    private static Type? Element(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
            ? enumerable.GetGenericArguments()[0] is { IsGenericType: true } pair && pair.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) ? pair.GetGenericArguments()[1] : enumerable.GetGenericArguments()[0]
            : null;

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : e.InnerException is { } inner ? [e, .. Flatten(inner)] : [e];
}
