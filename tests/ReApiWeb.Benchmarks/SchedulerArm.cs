using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.RateLimiting;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// The app's scheduler as the app wires it, per account: one rate gate for that account's submissions and polls, its
/// board and its scheduler (what <c>PollSchedules</c> makes for each account); the duration models are shared.
/// </summary>
public sealed class SchedulerArm(BenchmarkOptions options) : Arm(options, "scheduler")
{
    // Cold start, as in a fresh install: the prior is the catalog's typical duration; the rest is learned.
    private readonly DurationBook _durations = new(id => Catalog.Find(id)?.TypicalDuration ?? TimeSpan.FromSeconds(30));
    private readonly List<(ReApiClient Client, PollBoard Board)> _accounts = [];

    protected override Task StartFollowing(HttpClient http, IReadOnlyList<IReApiConnectionSource> connections, CancellationToken stop)
    {
        var polling = Microsoft.Extensions.Options.Options.Create(Options.Polling);
        var running = new List<Task>();
        foreach (var connection in connections)
        {
            var gate = new SlidingWindowRateGate(Options.RequestsPerSecond, TimeSpan.FromMilliseconds(Options.WindowMilliseconds), TimeProvider.System);
            var board = new PollBoard(_durations, polling, TimeProvider.System);
            var client = new ReApiClient(http, connection, gate, TimeProvider.System);
            _accounts.Add((client, board));
            var scheduler = new PollScheduler(board, _durations, client, gate, polling, TimeProvider.System, NullLogger<PollScheduler>.Instance);
            running.Add(Task.Run(() => scheduler.RunAsync(new Recorder(this), stop), CancellationToken.None));
        }

        return Task.WhenAll(running);
    }

    protected override Task<SubmittedTask> SendAsync(JsonObject body, int account) => _accounts[account].Client.SubmitAsync(ReApiEndpoint.Images, body, CancellationToken.None);

    protected override void Follow(SubmittedTask task, DateTimeOffset submittedAt, int account, JsonObject body)
    {
        var model = Catalog.Find((string)body["model"]!)!;
        _accounts[account].Board.Add(new PollTarget(Guid.NewGuid(), Guid.Empty, task.Id, model.Id, submittedAt, DurationClass: model.DurationClass(body)));
    }

    private sealed class Recorder(SchedulerArm arm) : IPollOutcomes
    {
        public Task RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompletedAsync(PollTarget target, ReApiTask task, UpstreamDuration upstreamDuration, CancellationToken cancellationToken)
        {
            arm.Seen(target.TaskId);
            return Task.CompletedTask;
        }

        public Task FailedAsync(PollTarget target, ReApiTask task, CancellationToken cancellationToken)
        {
            arm.Seen(target.TaskId);
            return Task.CompletedTask;
        }

        public Task PollFailedAsync(PollTarget target, ReApiException error, int consecutiveErrors, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
