using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.RateLimiting;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class PollSchedulerTests
{
    private const string TaskId = "task_0123456789abcdef";

    /// <summary>
    /// A 429 says the account's budget is spent, not that something is wrong with the task: the gate pauses every call
    /// of the account for Retry-After, and the task must not also back off as after a failure of its own (with spurious
    /// 429s among server errors a task waited a minute between polls, and the fault test ran out of time).
    /// </summary>
    [Fact]
    public async Task A_poll_refused_by_the_rate_limit_is_not_counted_against_the_task()
    {
        var ct = TestContext.Current.CancellationToken;
        var polls = 0;
        var transport = new Transport(() => Interlocked.Increment(ref polls) <= 3
            ? Answer((HttpStatusCode)429, """{"error":{"code":50001,"message":"Per-user rate limit exceeded"}}""", retryAfterSeconds: 0)
            : Answer(HttpStatusCode.OK, $$$"""{"id":"{{{TaskId}}}","model":"z-image","status":"completed","output":{"image_urls":["https://cdn.example/0.png"]}}"""));
        var options = Options.Create(new PollingOptions { MinInterval = TimeSpan.FromMilliseconds(50), EagerPollsPerSecond = 100 });
        var durations = new DurationBook(_ => TimeSpan.FromSeconds(1));
        var board = new PollBoard(durations, options, TimeProvider.System);
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System);
        var client = new ReApiClient(new HttpClient(transport), new FixedConnectionSource(new ReApiConnection(new Uri("https://reapi.test/api/v1/"), "rk_test")), gate, TimeProvider.System);
        var scheduler = new PollScheduler(board, durations, client, gate, options, TimeProvider.System, NullLogger<PollScheduler>.Instance);
        var outcomes = new Outcomes();
        board.Add(new PollTarget(Guid.NewGuid(), Guid.NewGuid(), TaskId, "z-image", DateTimeOffset.UtcNow.AddSeconds(-5)));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = scheduler.RunAsync(outcomes, stop.Token);
        await outcomes.Completed.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        await stop.CancelAsync();
        await running;

        Assert.Equal(4, polls);
        Assert.Empty(outcomes.Failures); // never reported as a failed poll of the task, so never backed off as one
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, int? retryAfterSeconds = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    private sealed class Transport(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }

    private sealed class Outcomes : IPollOutcomes
    {
        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(ReApiErrorKind Kind, int ConsecutiveErrors)> Failures { get; } = [];

        public Task RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompletedAsync(PollTarget target, ReApiTask task, TimeSpan upstreamDuration, CancellationToken cancellationToken)
        {
            Completed.TrySetResult();
            return Task.CompletedTask;
        }

        public Task FailedAsync(PollTarget target, ReApiTask task, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PollFailedAsync(PollTarget target, ReApiException error, int consecutiveErrors, CancellationToken cancellationToken)
        {
            Failures.Enqueue((error.Kind, consecutiveErrors));
            return Task.CompletedTask;
        }
    }
}
