using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class RefreshCoalescerTests
{
    [Fact]
    public async Task Requests_during_a_run_fold_into_one_more_run()
    {
        var runs = 0;
        var release = new TaskCompletionSource();
        var coalescer = new RefreshCoalescer(async () =>
        {
            runs++;
            if (runs == 1)
            {
                await release.Task;
            }
        });

        var first = coalescer.RequestAsync();
        var burst = Enumerable.Range(0, 5).Select(_ => coalescer.RequestAsync()).ToArray();
        release.SetResult();
        await first;
        await Task.WhenAll(burst);

        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_failed_run_does_not_stop_later_refreshes()
    {
        var runs = 0;
        var coalescer = new RefreshCoalescer(() => ++runs == 1 ? throw new InvalidOperationException("database hiccup") : Task.CompletedTask);

        await Assert.ThrowsAsync<InvalidOperationException>(coalescer.RequestAsync);
        await coalescer.RequestAsync();

        Assert.Equal(2, runs);
    }
}
