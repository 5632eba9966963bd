using System.Text.Json.Nodes;
using ReApi.Client;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What reAPI's docs suggest, done naively: each task is polled every 1.5 s on its own timer, with no shared budget.
/// A 429 on a poll counts as "still processing"; a 429 on a submission is sent again after Retry-After (no task was made).
/// </summary>
public sealed class BaselineArm(BenchmarkOptions options) : Arm(options, "baseline (every 1.5 s)")
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1.5);
    private IReadOnlyList<ReApiClient> _clients = [];
    private CancellationToken _stop;

    protected override Task StartFollowing(HttpClient http, IReadOnlyList<IReApiConnectionSource> connections, CancellationToken stop)
    {
        _clients = [.. connections.Select(c => new ReApiClient(http, c, new NoGate(), TimeProvider.System, new ReApiClientOptions { GetAttempts = 1 }))];
        _stop = stop;
        var stopped = new TaskCompletionSource();
        stop.Register(() => stopped.TrySetResult());
        return stopped.Task;
    }

    protected override async Task<SubmittedTask> SendAsync(JsonObject body, int account)
    {
        while (true)
        {
            try
            {
                return await _clients[account].SubmitAsync(ReApiEndpoint.Images, body, CancellationToken.None);
            }
            catch (ReApiException e) when (e.Kind == ReApiErrorKind.RateLimited)
            {
                await Task.Delay(e.RetryAfter ?? TimeSpan.FromSeconds(1));
            }
        }
    }

    protected override void Follow(SubmittedTask task, DateTimeOffset submittedAt, int account, JsonObject body) => _ = FollowAsync(_clients[account], task.Id);

    private async Task FollowAsync(ReApiClient client, string taskId)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, _stop);
                try
                {
                    var task = await client.GetTaskAsync(taskId, _stop);
                    if (task.Status != ReApiTaskStatus.Processing)
                    {
                        Seen(taskId);
                        return;
                    }
                }
                catch (ReApiException)
                {
                    // 429 or a fault: still processing as far as this poller knows; try again next interval.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
