using System.Security.Cryptography;
using System.Text;

namespace ReApiWeb.Features.Auth;

/// <summary>Secrets handed out once (personal tokens, invitation and reset links) and the only form in which they are kept.</summary>
public static class Secrets
{
    /// <summary>256 random bits, URL-safe Base64 without padding.</summary>
    public static string New() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 of the secret, lower-case hex: what is stored and looked up.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
