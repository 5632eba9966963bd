using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;

namespace ReApi.Sandbox;

/// <summary>A simulated task. Its outcome is decided at submission and revealed when <see cref="DueAt"/> passes.</summary>
public sealed class SandboxTask
{
    public required string Id { get; init; }

    public required ModelSpec Model { get; init; }

    public required JsonObject Request { get; init; }

    public required string ApiKey { get; init; }

    public required long Price { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The failure this task will end with, or null when it will complete.</summary>
    public ReApiTaskError? PlannedFailure { get; init; }

    public ReApiTaskStatus Status { get; set; } = ReApiTaskStatus.Processing;

    /// <summary>When the task reached its terminal state (for measuring how late clients see it).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    public bool Refunded { get; set; }

    /// <summary>How many times its account asked for it (for measuring how a client spends its budget).</summary>
    public int Polls { get; set; }

    public string Hex => Id["task_".Length..];

    public string Prompt => Request["prompt"] is JsonValue v && v.TryGetValue(out string? p) ? p : "";
}
