using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Events;

/// <summary>Reloads shared by pages reacting to the same event: never across keys, never across an event, never for long.</summary>
public sealed class SharedReloadsTests
{
    private readonly InProcessEventBus _bus = new(NullLogger<InProcessEventBus>.Instance);
    private readonly FakeTimeProvider _time = new();
    private readonly SharedReloads _reloads;
    private int _reads;

    public SharedReloadsTests() => _reloads = new SharedReloads(_bus, _time);

    /// <summary>A read that counts itself and finishes when <paramref name="release"/> does.</summary>
    private Func<Task<string>> Read(string result, Task? release = null) => async () =>
    {
        Interlocked.Increment(ref _reads);
        if (release is not null)
        {
            await release;
        }

        return result;
    };

    [Fact]
    public async Task Pages_reloading_the_same_key_share_one_read_while_it_runs_and_just_after()
    {
        var release = new TaskCompletionSource();
        var first = _reloads.ReadAsync(("jobs", "me"), Read("page 1", release.Task));
        var second = _reloads.ReadAsync(("jobs", "me"), Read("not read"));
        release.SetResult();
        Assert.Equal(("page 1", "page 1"), (await first, await second));

        // A page that comes a little later, with no event in between, gets the same.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("page 1", await _reloads.ReadAsync(("jobs", "me"), Read("not read")));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task Another_key_an_event_published_since_or_the_window_passed_reads_anew()
    {
        Assert.Equal("mine", await _reloads.ReadAsync(("jobs", "me"), Read("mine")));

        // Another person's (or another filter's) read is never shared.
        Assert.Equal("theirs", await _reloads.ReadAsync(("jobs", "them"), Read("theirs")));

        // A read begun before an event may predate its change: a reload after it reads again.
        _bus.Publish(new JobEvent(Guid.NewGuid(), Guid.NewGuid(), "z-image", JobStatus.Completed, DateTimeOffset.UtcNow));
        Assert.Equal("after the event", await _reloads.ReadAsync(("jobs", "me"), Read("after the event")));
        Assert.Equal("after the event", await _reloads.ReadAsync(("jobs", "me"), Read("not read")));

        _time.Advance(SharedReloads.Window);
        Assert.Equal("a second later", await _reloads.ReadAsync(("jobs", "me"), Read("a second later")));
        Assert.Equal(4, _reads);
    }

    [Fact]
    public async Task A_failed_read_is_not_handed_to_later_pages()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _reloads.ReadAsync<string>("key", () => throw new InvalidOperationException("database gone")));
        Assert.Equal("fresh", await _reloads.ReadAsync("key", Read("fresh")));
    }
}
