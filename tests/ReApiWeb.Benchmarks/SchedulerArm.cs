using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.RateLimiting;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Benchmarks;

/// <summary>The app's scheduler as the app wires it: one rate gate for submissions and polls, the board, the scheduler.</summary>
public sealed class SchedulerArm(BenchmarkOptions options) : Arm(options, "scheduler")
{
    // Cold start, as in a fresh install: the prior is the catalog's typical duration; the rest is learned.
    private readonly DurationBook _durations = new(id => Catalog.Find(id)?.TypicalDuration ?? TimeSpan.FromSeconds(30));
    private readonly SlidingWindowRateGate _gate = new(options.RequestsPerSecond, TimeSpan.FromMilliseconds(options.WindowMilliseconds), TimeProvider.System);
    private ReApiClient? _client;

    private PollBoard? _board;

    protected override Task StartFollowing(HttpClient http, IReApiConnectionSource connection, CancellationToken stop)
    {
        var polling = Microsoft.Extensions.Options.Options.Create(Options.Polling);
        _board = new PollBoard(_durations, polling, TimeProvider.System);
        _client = new ReApiClient(http, connection, _gate, TimeProvider.System);
        var scheduler = new PollScheduler(_board, _durations, _client, _gate, polling, TimeProvider.System, NullLogger<PollScheduler>.Instance);
        return Task.Run(() => scheduler.RunAsync(new Recorder(this), stop), CancellationToken.None);
    }

    protected override Task<SubmittedTask> SendAsync(JsonObject body) => _client!.SubmitAsync(ReApiEndpoint.Images, body, CancellationToken.None);

    protected override void Follow(SubmittedTask task, DateTimeOffset submittedAt) =>
        _board!.Add(new PollTarget(Guid.NewGuid(), Guid.Empty, task.Id, Model, submittedAt));

    private sealed class Recorder(SchedulerArm arm) : IPollOutcomes
    {
        public Task RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompletedAsync(PollTarget target, ReApiTask task, TimeSpan upstreamDuration, CancellationToken cancellationToken)
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
