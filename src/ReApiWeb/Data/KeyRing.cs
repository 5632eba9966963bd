using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Data;

/// <summary>
/// Where ASP.NET Core Data Protection keeps its key ring (the keys that encrypt the shared reAPI key, sessions and
/// provider tokens, and sign public media links), and how the ring is protected at rest.
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>The folder of the key ring; <c>{Storage:DataDirectory}/keys</c> by default. Never inside the database.</summary>
    public string? KeyRingDirectory { get; set; }

    /// <summary>
    /// A 256-bit key, Base64, that encrypts the key ring at rest (AES-256-GCM). Set it from the environment
    /// (<c>DataProtection__MasterKey</c>) or a secret store, never in a file beside the data.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>A PFX certificate that encrypts the key ring at rest instead of <see cref="MasterKey"/>.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public string ResolveDirectory(StorageOptions storage) => Path.GetFullPath(KeyRingDirectory ?? Path.Combine(storage.DataDirectory, "keys"));

    /// <summary>The master key's bytes, or null when none is set or it is not 32 bytes of Base64.</summary>
    public byte[]? MasterKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(MasterKey))
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(MasterKey.Trim());
            return bytes.Length == 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public bool IsProtectedAtRest => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(MasterKey);
}

/// <summary>
/// Keeps the Data Protection key ring in files on the data volume, outside the database, so that a copy of the database
/// (or a backup of it) alone decrypts nothing; encrypted at rest with a certificate or an admin-provided master key.
/// </summary>
public static partial class KeyRing
{
    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder, StorageOptions storage)
    {
        builder.Services.AddOptions<KeyRingOptions>().Bind(builder.Configuration.GetSection(KeyRingOptions.SectionName))
            .Validate(o => string.IsNullOrWhiteSpace(o.MasterKey) || o.MasterKeyBytes() is not null,
                "DataProtection:MasterKey must be 32 random bytes in Base64 (for example: openssl rand -base64 32).")
            .Validate(o => string.IsNullOrWhiteSpace(o.CertificatePath) || File.Exists(o.CertificatePath),
                "DataProtection:CertificatePath must name an existing PFX file.")
            .Validate(o => string.IsNullOrWhiteSpace(o.CertificatePath) || string.IsNullOrWhiteSpace(o.MasterKey),
                "Set either DataProtection:CertificatePath or DataProtection:MasterKey, not both.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var directory = new DirectoryInfo(options.ResolveDirectory(storage));
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("ReApiWeb").PersistKeysToFileSystem(directory);
        if (!string.IsNullOrWhiteSpace(options.CertificatePath) && File.Exists(options.CertificatePath))
        {
            dataProtection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword));
        }
        else if (options.MasterKeyBytes() is { } masterKey)
        {
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new MasterKeyXmlEncryptor(masterKey));
        }

        return builder;
    }

    /// <summary>
    /// Before the migration that drops it, moves a key ring an earlier version kept in the database's
    /// <c>DataProtectionKeys</c> table into the key ring folder (encrypted if a protection is configured), then empties
    /// the table. Keys already in the folder are left alone.
    /// </summary>
    public static async Task MoveKeysOutOfDatabaseAsync(IServiceProvider services, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'DataProtectionKeys'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return;
        }

        var management = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;
        var repository = management.XmlRepository ?? throw new InvalidOperationException("The key ring has no repository.");
        var present = repository.GetAllElements().Select(e => (string?)e.Attribute("id")).ToHashSet();
        var moved = 0;
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT FriendlyName, Xml FROM DataProtectionKeys";
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                if (rows.IsDBNull(1))
                {
                    continue;
                }

                var element = XElement.Parse(rows.GetString(1));
                if (present.Contains((string?)element.Attribute("id")))
                {
                    continue;
                }

                repository.StoreElement(Encrypt(element, management.XmlEncryptor), rows.IsDBNull(0) ? $"key-{(string?)element.Attribute("id")}" : rows.GetString(0));
                moved++;
            }
        }

        await using var clear = connection.CreateCommand();
        clear.CommandText = "DELETE FROM DataProtectionKeys";
        await clear.ExecuteNonQueryAsync(cancellationToken);
        if (moved > 0)
        {
            LogMoved(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRing)), moved);
        }
    }

    /// <summary>Says at start, once and plainly, when the key ring is not encrypted at rest.</summary>
    public static void WarnIfUnprotected(IServiceProvider services)
    {
        if (services.GetService<IOptions<KeyRingOptions>>()?.Value is { IsProtectedAtRest: false } options
            && services.GetService<ILoggerFactory>() is { } loggers)
        {
            LogUnprotected(loggers.CreateLogger(typeof(KeyRing)), options.ResolveDirectory(services.GetService<IOptions<StorageOptions>>()?.Value ?? new StorageOptions()));
        }
    }

    /// <summary>What the key manager does to a new key: each element marked requiresEncryption is replaced by its encryption.</summary>
    private static XElement Encrypt(XElement key, IXmlEncryptor? encryptor)
    {
        if (encryptor is null)
        {
            return key;
        }

        XNamespace ns = "http://schemas.asp.net/2015/03/dataProtection";
        foreach (var secret in key.Descendants().Where(e => (bool?)e.Attribute(ns + "requiresEncryption") == true).ToList())
        {
            var encrypted = encryptor.Encrypt(secret);
            secret.ReplaceWith(new XElement(ns + "encryptedSecret",
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }

        return key;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Data Protection key ring in {Directory} is not encrypted at rest: set DataProtection__MasterKey (openssl rand -base64 32) from a secret store before going live")]
    private static partial void LogUnprotected(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {Count} Data Protection keys out of the database into the key ring folder")]
    private static partial void LogMoved(ILogger logger, int count);
}

/// <summary>Encrypts key ring elements with AES-256-GCM under the admin's master key.</summary>
public sealed class MasterKeyXmlEncryptor(byte[] masterKey) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(masterKey, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        return new EncryptedXmlInfo(
            new XElement("encryptedKey", new XAttribute("alg", "AES-256-GCM"), Convert.ToBase64String([.. nonce, .. tag, .. ciphertext])),
            typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Decrypts what <see cref="MasterKeyXmlEncryptor"/> wrote; created by Data Protection with the app's services.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var masterKey = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.MasterKeyBytes()
            ?? throw new CryptographicException("The key ring is encrypted with a master key, but DataProtection:MasterKey is not set.");
        var data = Convert.FromBase64String(encryptedElement.Value);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plaintext = new byte[data.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(masterKey, tagSize))
        {
            try
            {
                aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plaintext);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new CryptographicException("The key ring could not be decrypted: DataProtection:MasterKey is not the key it was encrypted with.", e);
            }
        }

        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}
