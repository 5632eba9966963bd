namespace ReApi.Client;

/// <summary>Where reAPI is and which key to use. The key is a secret: it is never part of ToString().</summary>
public sealed record ReApiConnection(Uri BaseUri, string ApiKey)
{
    public override string ToString() => $"{BaseUri} (key …{(ApiKey.Length >= 4 ? ApiKey[^4..] : "")})";
}

/// <summary>Supplies the current connection for each call, so an admin can rotate the key without a restart.</summary>
public interface IReApiConnectionSource
{
    ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken);
}

/// <summary>A connection that never changes (tests, benchmarks, scripts).</summary>
public sealed class FixedConnectionSource(ReApiConnection connection) : IReApiConnectionSource
{
    public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(connection);
}
