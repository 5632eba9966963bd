using ReApi.Client.Catalog;

namespace ReApi.Sandbox;

/// <summary>How the simulated reAPI account behaves. Every number is configurable so tests and benchmarks can shape it.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>Keys the sandbox accepts. Any other <c>Bearer</c> value gets 401 with code 10003.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Keys of one account: each key in <see cref="ApiKeys"/> is its own account (balance, tasks, rate window) unless
    /// it is listed here with the key of an account it joins, as when a reAPI user makes a second key to rotate to.
    /// </summary>
    public Dictionary<string, string> SecondKeys { get; set; } = [];

    /// <summary>Keys that answer 401 with code 10004 (revoked).</summary>
    public List<string> RevokedKeys { get; set; } = [];

    /// <summary>Each account's credits at start (1 credit = $0.001), unless <see cref="StartingBalances"/> names its key.</summary>
    public long StartingBalance { get; set; } = 100_000;

    /// <summary>The credits at start of the accounts of particular keys.</summary>
    public Dictionary<string, long> StartingBalances { get; set; } = [];

    /// <summary>Requests allowed per account in each 1-second window (reAPI's default is 10).</summary>
    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>The share of tasks that fail at random with a provider error (0 to 1).</summary>
    public double FailureRate { get; set; }

    /// <summary>Seed for the random failures and durations, so a run can be repeated.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>How long tasks run, by output kind, before they reach a terminal state.</summary>
    public Dictionary<OutputKind, TimeSpan> Durations { get; set; } = new()
    {
        [OutputKind.Image] = TimeSpan.FromSeconds(4),
        [OutputKind.Video] = TimeSpan.FromSeconds(12),
        [OutputKind.Audio] = TimeSpan.FromSeconds(8),
        [OutputKind.Text] = TimeSpan.FromSeconds(4),
    };

    /// <summary>Per-model durations that win over <see cref="Durations"/>.</summary>
    public Dictionary<string, TimeSpan> ModelDurations { get; set; } = [];

    /// <summary>Random spread of durations, as a share of the duration (0.25 = ±25%).</summary>
    public double DurationJitter { get; set; } = 0.25;

    /// <summary>
    /// Flat credits charged per task for the models listed; every other model is charged by reAPI's price list
    /// (<see cref="ReApi.Client.Pricing.PriceList"/>), per image, second, minute or word as reAPI bills it.
    /// </summary>
    public Dictionary<string, long> Prices { get; set; } = [];

    /// <summary>Injected faults, for fault tests: all off by default.</summary>
    public SandboxFaults Faults { get; set; } = new();

    /// <summary>Chat requests per second per account on the chat host (its own window; reAPI's real figure is undocumented).</summary>
    public int ChatRequestsPerSecond { get; set; } = 10;

    /// <summary>How long a reply takes to start (time to first token).</summary>
    public TimeSpan ChatFirstTokenDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The pace of a streamed reply, per token.</summary>
    public TimeSpan ChatTokenDelay { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>Chat prices per model that replace the defaults (credits per million input and output tokens).</summary>
    public Dictionary<string, ReApi.Client.Chat.ChatPrice> ChatPrices { get; set; } = [];

    /// <summary>Keeps the arrival time of every request (benchmarks measure request windows from it).</summary>
    public bool RecordRequests { get; set; }

    /// <summary>When set, the account (balance and tasks) is kept in this file and survives restarts.</summary>
    public string? StateFile { get; set; }

    /// <summary>Picks a task's duration from its model and request. Replace it to draw from a distribution (the benchmark does).</summary>
    public Func<ModelSpec, System.Text.Json.Nodes.JsonObject, Random, TimeSpan>? DurationSampler { get; set; }
}

/// <summary>Trouble the sandbox can cause on purpose, each as a share of requests (0 to 1), drawn from the seeded random.</summary>
public sealed class SandboxFaults
{
    /// <summary>Polls answered 500 (code 60099).</summary>
    public double PollServerErrorRate { get; set; }

    /// <summary>Polls whose connection is dropped without an answer.</summary>
    public double PollResetRate { get; set; }

    /// <summary>Polls answered only after <see cref="SlowAnswerDelay"/>, so a client's timeout may fire first.</summary>
    public double PollSlowRate { get; set; }

    public TimeSpan SlowAnswerDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Submissions that create (and charge) the task and answer only after <see cref="SlowAnswerDelay"/>.</summary>
    public double SubmitSlowRate { get; set; }

    /// <summary>Submissions that create (and charge) the task, then drop the connection without answering.</summary>
    public double SubmitResetAfterCreateRate { get; set; }

    /// <summary>Requests answered 429 whatever the window says (bursts from other users of the same account).</summary>
    public double SpuriousRateLimitRate { get; set; }
}
