using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Security;

/// <summary>
/// A recognisable shared key is used for real (jobs, balance, rotation), then looked for everywhere it must never be:
/// any page's HTML, any API answer or export, any log line (at Debug), and the database file in plain text; and a copy
/// of the database or of a backup of it, without the key ring on the data volume, decrypts nothing.
/// </summary>
public sealed class SharedKeyCanaryTests : IAsyncLifetime
{
    private const string FirstKey = "rk_live_CANARY1a2b3c4d5e6f7a8b9c0d";
    private const string SecondKey = "rk_live_CANARY9f8e7d6c5b4a3f2e1d0c";

    private SandboxServer _sandbox = default!;
    private TestApp _app = default!;
    private string _data = default!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(FirstKey);
            o.ApiKeys.Add(SecondKey);
            o.Durations[OutputKind.Image] = TimeSpan.FromMilliseconds(200);
        });
        _data = TestApp.NewDataDirectory();
        var settings = TestApp.UpstreamSettings(_sandbox.BaseUri, FirstKey);
        settings["Logging:LogLevel:Default"] = "Debug";
        _app = TestApp.Start(_data, settings);
    }

    [Fact]
    public async Task The_shared_key_never_appears_in_pages_answers_logs_or_the_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var seen = new StringBuilder();
        using var admin = await _app.SignedInClientAsync();
        var adminId = await _app.AdminIdAsync();

        // Use the key: a job through the API with a personal token, its task and the balance; then rotate the key.
        var (_, secret) = await _app.Services.GetRequiredService<PersonalTokens>().CreateAsync(adminId, "canary", TimeSpan.FromDays(30), ct);
        using var script = new HttpClient { BaseAddress = _app.BaseUri };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var submitted = await script.PostAsync("/api/v1/images/generations", new StringContent("""{"model":"z-image","prompt":"a canary"}""", Encoding.UTF8, "application/json"), ct);
        var task = await submitted.Content.ReadAsStringAsync(ct);
        seen.AppendLine(task);
        var taskId = System.Text.Json.JsonDocument.Parse(task).RootElement.GetProperty("id").GetString();
        seen.AppendLine(await script.GetStringAsync($"/api/v1/tasks/{taskId}", ct));
        seen.AppendLine(await script.GetStringAsync("/api/v1/balance", ct));
        var accounts = _app.Services.GetRequiredService<UpstreamAccounts>();
        await accounts.SetKeyAsync(Assert.Single(await accounts.ListAsync(ct)).Id, SecondKey, new Actor(adminId, "Admin"), ct);

        // The rotated key is untested, so no account takes jobs: the balance says so (503), still without the key.
        using var afterRotation = await script.GetAsync("/api/v1/balance", ct);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, afterRotation.StatusCode);
        seen.AppendLine(await afterRotation.Content.ReadAsStringAsync(ct));

        foreach (var path in new[]
                 {
                     "/jobs", "/jobs/new", "/usage", "/tokens", "/admin/accounts", "/admin/people", "/admin/audit", "/admin/usage",
                     "/admin/quotas", "/admin/prices", "/admin/reconciliation", "/admin/unconfirmed", "/usage/ledger.csv?all=true",
                     "/usage/jobs.csv?all=true", "/admin/audit.csv", "/health", "/alive",
                 })
        {
            seen.AppendLine(await admin.GetStringAsync(path, ct));
        }

        var answers = seen.ToString();
        Assert.Contains("1d0c</b>", answers, StringComparison.Ordinal); // the accounts page did show the new key's last 4 characters
        foreach (var key in new[] { FirstKey, SecondKey })
        {
            Assert.DoesNotContain(key, answers, StringComparison.Ordinal);
            Assert.DoesNotContain(_app.LogLines, line => line.Contains(key, StringComparison.Ordinal));
        }

        Assert.NotEmpty(_app.LogLines);
        await _app.DisposeAsync();
        foreach (var file in Directory.GetFiles(_data, "app.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, ct);
            foreach (var key in new[] { FirstKey, SecondKey })
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(key)) || Contains(bytes, Encoding.Unicode.GetBytes(key)), $"{Path.GetFileName(file)} holds the key in plain text.");
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(key[8..])), $"{Path.GetFileName(file)} holds the key's secret part in plain text.");
            }
        }
    }

    [Fact]
    public async Task A_copy_of_the_database_or_of_its_backup_alone_does_not_give_the_key_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = await _app.DbAsync())
        {
            // A backup as an operator would make it, while the app runs.
            var backup = Path.Combine(_data, "backup.db");
            await db.Database.ExecuteSqlAsync($"VACUUM INTO {backup}", ct);
        }

        await _app.DisposeAsync();
        var stolen = TestApp.NewDataDirectory();
        foreach (var file in Directory.GetFiles(_data, "*.db*"))
        {
            File.Copy(file, Path.Combine(stolen, Path.GetFileName(file)));
        }

        foreach (var copy in new[] { "app.db", "backup.db" })
        {
            var protectedKey = await ReadProtectedKeyAsync(Path.Combine(stolen, copy));
            Assert.NotNull(protectedKey);

            // Whatever key ring the copy holds is all a thief has.
            var ring = Directory.CreateDirectory(Path.Combine(stolen, copy + "-ring"));
            foreach (var (name, xml) in await ReadKeyRingTableAsync(Path.Combine(stolen, copy)))
            {
                await File.WriteAllTextAsync(Path.Combine(ring.FullName, name + ".xml"), xml, ct);
            }

            var thief = DataProtectionProvider.Create(ring, b => b.SetApplicationName("ReApiWeb")).CreateProtector("ReApiWeb.SharedKey.v1");
            Assert.Throws<System.Security.Cryptography.CryptographicException>(() => thief.Unprotect(protectedKey));
        }

        // The app's own key ring, on the data volume, does decrypt it: the test above would see a key if there were one.
        var owner = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(_data, "keys")), b => b.SetApplicationName("ReApiWeb")).CreateProtector("ReApiWeb.SharedKey.v1");
        Assert.Equal(FirstKey, owner.Unprotect((await ReadProtectedKeyAsync(Path.Combine(stolen, "app.db")))!));
    }

    private static async Task<string?> ReadProtectedKeyAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ProtectedKey FROM UpstreamAccounts";
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<List<(string Name, string Xml)>> ReadKeyRingTableAsync(string database)
    {
        var keys = new List<(string, string)>();
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'DataProtectionKeys'";
        if ((long)(await exists.ExecuteScalarAsync())! == 0)
        {
            return keys;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT FriendlyName, Xml FROM DataProtectionKeys";
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            keys.Add((rows.GetString(0), rows.GetString(1)));
        }

        return keys;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
    }
}
