using System.Text.Json;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;

namespace ReApi.Sandbox;

/// <summary>
/// The sandbox account written to a file, so that a sandbox mounted inside the app keeps its tasks and balance
/// across restarts, as reAPI does.
/// </summary>
/// <remarks><see cref="Balance"/> is the single account of earlier versions; <see cref="Balances"/> holds one per key.</remarks>
internal sealed record SandboxSnapshot(long Balance, List<SandboxSnapshot.TaskRecord> Tasks, Dictionary<string, long>? Balances = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record TaskRecord(
        string Id,
        string Model,
        JsonObject Request,
        string ApiKey,
        long Price,
        DateTimeOffset CreatedAt,
        DateTimeOffset DueAt,
        int? FailureCode,
        string? FailureMessage,
        ReApiTaskStatus Status,
        DateTimeOffset? FinishedAt,
        bool Refunded);

    public static SandboxSnapshot From(IReadOnlyDictionary<string, long> balances, IEnumerable<SandboxTask> tasks) => new(0,
    [
        .. tasks.Select(t => new TaskRecord(t.Id, t.Model.Id, t.Request, t.ApiKey, t.Price, t.CreatedAt, t.DueAt,
            t.PlannedFailure?.Code, t.PlannedFailure?.Message, t.Status, t.FinishedAt, t.Refunded)),
    ], new Dictionary<string, long>(balances, StringComparer.Ordinal));

    public IEnumerable<SandboxTask> Restore(ModelCatalog catalog) =>
        Tasks.Where(r => catalog.Find(r.Model) is not null).Select(r => new SandboxTask
        {
            Id = r.Id,
            Model = catalog.Find(r.Model)!,
            Request = r.Request,
            ApiKey = r.ApiKey,
            Price = r.Price,
            CreatedAt = r.CreatedAt,
            DueAt = r.DueAt,
            PlannedFailure = r.FailureMessage is null ? null : new ReApiTaskError(r.FailureCode, r.FailureMessage),
            Status = r.Status,
            FinishedAt = r.FinishedAt,
            Refunded = r.Refunded,
        });

    public static SandboxSnapshot? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<SandboxSnapshot>(File.ReadAllText(path), Json) : null;

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
