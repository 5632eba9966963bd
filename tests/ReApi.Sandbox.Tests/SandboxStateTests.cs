using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ReApi.Client;
using ReApi.Client.Catalog;

namespace ReApi.Sandbox.Tests;

public sealed class SandboxStateTests
{
    private const string Key = "rk_live_sandbox_key";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, 500, TimeSpan.Zero));

    private SandboxState CreateState(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { ApiKeys = [Key], RevokedKeys = ["rk_live_revoked"], StartingBalance = 1000, DurationJitter = 0 };
        configure?.Invoke(options);
        return new SandboxState(options, _time, ModelCatalog.Default);
    }

    private static JsonObject Image(string prompt = "a red fox") => new() { ["model"] = "gpt-image-2", ["prompt"] = prompt };

    [Theory]
    [InlineData(null, 10001)]
    [InlineData("Basic abc", 10002)]
    [InlineData("Bearer rk_live_other", 10003)]
    [InlineData("Bearer rk_live_revoked", 10004)]
    public void Authentication_failures_use_the_documented_codes(string? header, int code)
    {
        var error = CreateState().Authenticate(header, out _);
        Assert.Equal((401, code), (error!.HttpStatus, error.Code));
    }

    [Fact]
    public void A_known_key_is_accepted()
    {
        Assert.Null(CreateState().Authenticate("Bearer " + Key, out var key));
        Assert.Equal(Key, key);
    }

    [Fact]
    public void Each_key_is_its_own_account_with_its_balance_tasks_and_rate_window_and_a_second_key_joins_one()
    {
        const string other = "rk_live_other_account";
        const string second = "rk_live_sandbox_key_second";
        var state = CreateState(o =>
        {
            o.ApiKeys.Add(other);
            o.SecondKeys[second] = Key;
            o.StartingBalances[other] = 10;
            o.RequestsPerSecond = 2;
        });

        Assert.Null(state.Submit(ReApiEndpoint.Images, Image(), Key, out var task));
        Assert.Equal((1000 - task!.Price, 10L), (state.BalanceOf(Key), state.BalanceOf(other)));
        Assert.Equal(402, state.Submit(ReApiEndpoint.Images, Image(), other, out _)!.HttpStatus); // 10 credits are not enough

        // Another account's task is not found, as on reAPI; the account's second key sees it and shares its balance.
        Assert.Null(state.Find(task.Id, other));
        Assert.Same(task, state.Find(task.Id, second));
        Assert.Equal(state.BalanceOf(Key), state.BalanceOf(second));
        Assert.Null(state.Authenticate("Bearer " + second, out _));

        // Each account has its own window: two requests fill one account's, not the other's.
        Assert.Null(state.TakeRequestSlot(Key));
        Assert.Null(state.TakeRequestSlot(second));
        Assert.Equal(429, state.TakeRequestSlot(Key)!.HttpStatus);
        Assert.Null(state.TakeRequestSlot(other));
        Assert.Equal((1L, 0L), (state.StatisticsOf(Key).RateLimited, state.StatisticsOf(other).RateLimited));
    }

    [Fact]
    public void A_missing_required_field_is_20002_and_charges_nothing()
    {
        var state = CreateState();
        var error = state.Submit(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2" }, Key, out var task);
        Assert.Equal((400, 20002, "Missing required parameter: prompt"), (error!.HttpStatus, error.Code, error.Message));
        Assert.Null(task);
        Assert.Equal(1000, state.Balance);
    }

    [Fact]
    public void Invalid_values_unknown_models_and_wrong_endpoints_are_400s()
    {
        var state = CreateState();
        Assert.Equal(400, state.Submit(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2", ["prompt"] = "x", ["size"] = "7:3" }, Key, out _)!.HttpStatus);
        Assert.Equal(400, state.Submit(ReApiEndpoint.Images, new JsonObject { ["model"] = "no-such-model", ["prompt"] = "x" }, Key, out _)!.HttpStatus);
        Assert.Equal(400, state.Submit(ReApiEndpoint.Videos, Image(), Key, out _)!.HttpStatus);
        Assert.Equal(400, state.Submit(ReApiEndpoint.Images, null, Key, out _)!.HttpStatus);
    }

    [Fact]
    public void A_task_is_charged_at_submission_and_completes_after_its_duration()
    {
        var state = CreateState(o => o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(4));
        Assert.Null(state.Submit(ReApiEndpoint.Images, Image(), Key, out var task));
        Assert.Equal(970, state.Balance);
        Assert.Equal(ReApiTaskStatus.Processing, state.Find(task!.Id)!.Status);

        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(ReApiTaskStatus.Completed, state.Find(task.Id)!.Status);
        Assert.Equal(970, state.Balance);
    }

    [Fact]
    public void A_failed_task_is_refunded_once_before_anyone_can_see_it_failed()
    {
        var state = CreateState();
        state.Submit(ReApiEndpoint.Images, Image("a fox [fail]"), Key, out var task);
        Assert.Equal(970, state.Balance);
        _time.Advance(TimeSpan.FromSeconds(10));

        var seen = state.Find(task!.Id)!;
        Assert.Equal(ReApiTaskStatus.Failed, seen.Status);
        Assert.True(seen.Refunded);
        Assert.Equal(80006, seen.PlannedFailure!.Code);
        Assert.Equal(1000, state.Balance);
        state.Find(task.Id);
        Assert.Equal(1000, state.Balance);
    }

    [Fact]
    public void The_configured_failure_rate_fails_tasks_with_a_provider_error()
    {
        var state = CreateState(o => o.FailureRate = 1);
        state.Submit(ReApiEndpoint.Images, Image(), Key, out var task);
        Assert.Equal(80003, task!.PlannedFailure!.Code);
    }

    [Fact]
    public void Too_few_credits_is_402_and_charges_nothing()
    {
        var state = CreateState(o => o.StartingBalance = 10);
        Assert.Equal(402, state.Submit(ReApiEndpoint.Images, Image(), Key, out _)!.HttpStatus);
        Assert.Equal(10, state.Balance);
    }

    [Fact]
    public void The_eleventh_request_in_a_second_window_is_429_with_retry_after()
    {
        var state = CreateState();
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(state.TakeRequestSlot());
        }

        var limited = state.TakeRequestSlot();
        Assert.Equal((429, 50001), (limited!.HttpStatus, limited.Code));
        Assert.Equal(TimeSpan.FromSeconds(1), limited.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(500)); // the next 1-second window
        Assert.Null(state.TakeRequestSlot());
        Assert.Equal(10, state.Statistics.MaxRequestsInWindow);
        Assert.Equal(1, state.Statistics.RateLimited);
    }

    [Fact]
    public void With_a_state_file_tasks_and_balance_survive_a_restart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}.json");
        try
        {
            var first = CreateState(o => o.StateFile = file);
            first.Submit(ReApiEndpoint.Images, Image(), Key, out var running);
            first.Submit(ReApiEndpoint.Images, Image("a fox [fail]"), Key, out var failing);

            var second = CreateState(o => o.StateFile = file);
            Assert.Equal(940, second.Balance);
            Assert.Equal(ReApiTaskStatus.Processing, second.Find(running!.Id)!.Status);

            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(ReApiTaskStatus.Completed, second.Find(running.Id)!.Status);
            Assert.Equal(ReApiTaskStatus.Failed, second.Find(failing!.Id)!.Status);
            Assert.Equal(970, second.Balance);
            Assert.Equal(970, CreateState(o => o.StateFile = file).Balance);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
