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
        var (board, scheduler) = Scheduler(transport, new PollingOptions { MinInterval = TimeSpan.FromMilliseconds(50), IdleSlots = 1 }, TimeSpan.FromSeconds(1));
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

    /// <summary>
    /// 40 jobs sent at once to an idle account, with a first guess far longer than they take: the budget sat unused
    /// while the scheduler waited for each poll to be "worth" a fraction of a second under that guess (the tasks were
    /// seen only at the longest gap). Idle budget is never a reason to wait: free slots poll the most valuable tasks.
    /// </summary>
    [Fact]
    public async Task Free_budget_is_spent_on_polls_even_when_the_first_guess_says_they_are_worth_little()
    {
        var ct = TestContext.Current.CancellationToken;
        var transport = new Transport(() => Answer(HttpStatusCode.OK, $$$"""{"id":"{{{TaskId}}}","model":"z-image","status":"completed","output":{"image_urls":["https://cdn.example/0.png"]}}"""));
        var (board, scheduler) = Scheduler(transport, new PollingOptions { MaxGap = TimeSpan.FromMinutes(10) }, typical: TimeSpan.FromMinutes(10));
        var outcomes = new Outcomes(expected: 40);
        for (var i = 0; i < 40; i++)
        {
            board.Add(new PollTarget(Guid.NewGuid(), Guid.NewGuid(), TaskId, "z-image", DateTimeOffset.UtcNow));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = scheduler.RunAsync(outcomes, stop.Token);
        await outcomes.Completed.Task.WaitAsync(TimeSpan.FromSeconds(60), ct); // at 10 a second, a few seconds; unfixed, not before the 10-minute gap
        await stop.CancelAsync();
        await running;

        Assert.Equal(0, board.Count);
    }

    /// <summary>A scheduler for one account limited to 10 requests a second, talking to <paramref name="transport"/>; models' first guess is <paramref name="typical"/>.</summary>
    private static (PollBoard Board, PollScheduler Scheduler) Scheduler(HttpMessageHandler transport, PollingOptions polling, TimeSpan typical)
    {
        var options = Options.Create(polling);
        var durations = new DurationBook(_ => typical);
        var board = new PollBoard(durations, options, TimeProvider.System);
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System);
        var client = new ReApiClient(new HttpClient(transport), new FixedConnectionSource(new ReApiConnection(new Uri("https://reapi.test/api/v1/"), "rk_test")), gate, TimeProvider.System);
        return (board, new PollScheduler(board, durations, client, gate, options, TimeProvider.System, NullLogger<PollScheduler>.Instance));
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

    private sealed class Outcomes(int expected = 1) : IPollOutcomes
    {
        private int _completed;

        /// <summary>Set once <c>expected</c> tasks completed.</summary>
        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(ReApiErrorKind Kind, int ConsecutiveErrors)> Failures { get; } = [];

        public Task RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompletedAsync(PollTarget target, ReApiTask task, UpstreamDuration upstreamDuration, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _completed) >= expected)
            {
                Completed.TrySetResult();
            }

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
