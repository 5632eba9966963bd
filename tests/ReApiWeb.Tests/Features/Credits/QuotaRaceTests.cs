using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Credits;

/// <summary>
/// 64 submissions race at the edge of one allowance through the real submitter: the allowance is never passed, every
/// admitted job is held and charged once, every refused one leaves no job and no ledger line. On SQLite
/// (<see cref="QuotaRaceTests"/>) and on PostgreSQL (<see cref="QuotaRaceOnPostgresTests"/>).
/// </summary>
public abstract class QuotaRace(PostgresServer? postgres) : SandboxedAppTest("rk_live_race", TimeSpan.FromSeconds(30), postgres)
{
    private const int Racers = 64;
    private const long Price = 30; // gpt-image-2 at 1k
    private const long Limit = 1000; // room for 33 jobs, not 34

    public static TheoryData<QuotaScope> Scopes() => [QuotaScope.User, QuotaScope.Group, QuotaScope.Team];

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task Racing_submissions_never_take_an_allowance_past_its_limit(QuotaScope scope)
    {
        // One person submitting from 64 tabs for their own allowance; 64 people for a group's or the team's.
        var people = scope == QuotaScope.User ? Enumerable.Repeat((await App.AddUsersAsync(1))[0], Racers).ToArray() : await App.AddUsersAsync(Racers);
        Guid? subject = scope switch
        {
            QuotaScope.User => people[0],
            QuotaScope.Group => await App.AddGroupAsync("racers", people.Distinct()),
            _ => null,
        };
        await App.SetQuotaAsync(scope, subject, QuotaPeriod.Day, Limit);
        var submitter = App.Services.GetRequiredService<JobSubmitter>();

        using var start = new SemaphoreSlim(0);
        var racers = people.Select(async (person, i) =>
        {
            await start.WaitAsync();
            return await submitter.SubmitAsync(person, new JobRequest("gpt-image-2", new JsonObject { ["prompt"] = $"racer {i}" }, Guid.NewGuid()), CancellationToken.None);
        }).ToArray();
        start.Release(Racers);
        var results = await Task.WhenAll(racers);

        var admitted = results.Where(r => r.JobId is not null).ToList();
        var refused = results.Where(r => r.QuotaRefusal is not null).ToList();
        Assert.Equal(Racers, admitted.Count + refused.Count);
        Assert.Equal((int)(Limit / Price), admitted.Count);
        Assert.All(refused, r => Assert.Contains("credits left", r.QuotaRefusal, StringComparison.Ordinal));

        await using var db = await App.DbAsync();
        var entries = await db.Ledger.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        var jobIds = await db.Jobs.Select(j => j.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(admitted.Select(r => r.JobId!.Value).Order(), jobIds.Order());
        foreach (var job in jobIds)
        {
            Assert.Equal(Price, Assert.Single(entries, e => e.JobId == job && e.Kind == LedgerEntryKind.Hold).Credits);
            Assert.Equal(Price, Assert.Single(entries, e => e.JobId == job && e.Kind == LedgerEntryKind.Charge).Credits);
        }

        Assert.Equal(2 * admitted.Count, entries.Count);
        Assert.True(await ReApiWeb.Tests.Features.Credits.LedgerInvariants.Consumed(db.Ledger, TestContext.Current.CancellationToken) <= Limit);
        Assert.Equal(Limit / Price * Price, Sandbox.State.Tasks.Sum(t => t.Price));
    }
}

public sealed class QuotaRaceTests() : QuotaRace(null);

public sealed class QuotaRaceOnPostgresTests(PostgresServer postgres) : QuotaRace(postgres);
