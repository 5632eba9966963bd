using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Security;

/// <summary>The Data Protection key ring: on the data volume, outside the database, encrypted at rest with the admin's master key.</summary>
public sealed class KeyRingTests
{
    private static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task With_a_master_key_the_ring_is_encrypted_at_rest_and_read_again_after_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?> { ["DataProtection:MasterKey"] = MasterKey };
        await using (var first = TestApp.Start(data, settings))
        {
            await first.Services.GetRequiredService<UpstreamAccounts>().AddAsync(new AccountDraft("Ring", "https://reapi.ai/api/v1", "rk_live_RING_TEST_1234"), new Actor(await first.AdminIdAsync(), "Admin"), ct);
        }

        var files = Directory.GetFiles(Path.Combine(data, "keys"), "*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = XDocument.Load(file);
            Assert.Contains(xml.Descendants(), e => e.Name.LocalName == "encryptedSecret");
            Assert.DoesNotContain(xml.Descendants(), e => e.Name.LocalName == "masterKey");
        }

        await using var second = TestApp.Start(data, settings);
        Assert.Equal("1234", Assert.Single(await second.Services.GetRequiredService<UpstreamAccounts>().ListAsync(ct)).KeyLast4);
    }

    [Fact]
    public async Task A_ring_an_earlier_version_kept_in_the_database_moves_to_the_folder_encrypted()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = TestApp.NewDataDirectory();

        // What an earlier version had: a key ring in the database's DataProtectionKeys table, and data protected with it.
        var oldRing = Directory.CreateDirectory(Path.Combine(folder, "old-ring"));
        var secret = DataProtectionProvider.Create(oldRing, b => b.SetApplicationName("ReApiWeb")).CreateProtector("test").Protect("kept secret");
        var database = Path.Combine(folder, "old.db");
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE DataProtectionKeys (Id INTEGER PRIMARY KEY AUTOINCREMENT, FriendlyName TEXT NULL, Xml TEXT NULL)";
            await create.ExecuteNonQueryAsync(ct);
            foreach (var file in oldRing.GetFiles("*.xml"))
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO DataProtectionKeys (FriendlyName, Xml) VALUES ($name, $xml)";
                insert.Parameters.AddWithValue("$name", Path.GetFileNameWithoutExtension(file.Name));
                insert.Parameters.AddWithValue("$xml", await File.ReadAllTextAsync(file.FullName, ct));
                await insert.ExecuteNonQueryAsync(ct);
            }
        }

        var newRing = Path.Combine(folder, "keys");
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().SetApplicationName("ReApiWeb").PersistKeysToFileSystem(new DirectoryInfo(newRing));
        services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlEncryptor = new MasterKeyXmlEncryptor(Convert.FromBase64String(MasterKey)));
        services.Configure<KeyRingOptions>(o => o.MasterKey = MasterKey);
        await using var provider = services.BuildServiceProvider();

        await KeyRing.MoveKeysOutOfDatabaseAsync(provider, $"Data Source={database};Pooling=False", ct);

        var moved = Assert.Single(Directory.GetFiles(newRing, "*.xml"));
        Assert.Contains("encryptedSecret", await File.ReadAllTextAsync(moved, ct), StringComparison.Ordinal);
        Assert.Equal("kept secret", provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(secret));
        await using var check = new SqliteConnection($"Data Source={database};Pooling=False");
        await check.OpenAsync(ct);
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM DataProtectionKeys";
        Assert.Equal(0L, await count.ExecuteScalarAsync(ct));
    }
}
