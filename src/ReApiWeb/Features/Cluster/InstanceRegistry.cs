using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Cluster;

/// <summary>
/// This instance's identity and, when instances share the database, its row in <see cref="AppDbContext.Instances"/>:
/// written before the app takes requests, refreshed every <see cref="ClusterOptions.HeartbeatInterval"/> on the
/// database's clock (instances' clocks may differ), deleted when the app stops. An instance not seen for
/// <see cref="ClusterOptions.InstanceTimeout"/> is gone, and the leader takes over the jobs it had in hand.
/// </summary>
public sealed partial class InstanceRegistry(
    IDbContextFactory<AppDbContext> dbFactory,
    ILeadership leadership,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<InstanceRegistry> logger) : BackgroundService
{
    /// <summary>Rows of instances gone this long are deleted (kept a while for the logs' sake).</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    public Guid Id { get; } = Guid.CreateVersion7();

    public static string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (leadership.Shared)
        {
            await StartupReads.UntilTheDatabaseAnswersAsync(RegisterAsync, LogRegisterFailed, time, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!leadership.Shared)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                if (await db.Database.ExecuteSqlAsync($"""UPDATE "Instances" SET "SeenAt" = now() WHERE "Id" = {Id}""", stoppingToken) == 0)
                {
                    // Taken for gone (the database was away longer than the timeout): back in the list.
                    await RegisterAsync(stoppingToken);
                }

                if (failing)
                {
                    LogHeartbeatBack();
                    failing = false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!failing)
                {
                    LogHeartbeatFailed(e, options.Value.InstanceTimeout.TotalSeconds);
                    failing = true;
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!leadership.Shared)
        {
            return;
        }

        try
        {
            // Gone on purpose: the leader takes over what this instance left at once, not after the timeout.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "Instances" WHERE "Id" = {Id}""", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeaveFailed(e, options.Value.InstanceTimeout.TotalSeconds);
        }
    }

    /// <summary>The instances seen within the timeout (this one included), by the database's clock.</summary>
    public async Task<List<Guid>> LiveAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var timeout = options.Value.InstanceTimeout.TotalSeconds;
        return await db.Database
            .SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "Instances" WHERE "SeenAt" > now() - make_interval(secs => {timeout})""")
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The instances alive now, this one always among them: alone (SQLite) only this one, so whatever another instance
    /// id holds (a claim, a reply in progress) was left by a process that is gone.
    /// </summary>
    public async Task<List<Guid>> LiveNowAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var live = leadership.Shared ? await LiveAsync(db, cancellationToken) : [];
        if (!live.Contains(Id))
        {
            live.Add(Id);
        }

        return live;
    }

    private async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Instances" ("Id", "Name", "StartedAt", "SeenAt") VALUES ({Id}, {Name}, now(), now())
            ON CONFLICT ("Id") DO UPDATE SET "SeenAt" = now()
            """, cancellationToken);
        var forgetAfter = ForgetAfter.TotalSeconds;
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "Instances" WHERE "SeenAt" < now() - make_interval(secs => {forgetAfter})""", cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Registering this instance failed; trying again in {Seconds} s")]
    private partial void LogRegisterFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "This instance could not tell the database it is alive; past {Seconds} s the leader takes over the jobs it has in hand")]
    private partial void LogHeartbeatFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance tells the database it is alive again")]
    private partial void LogHeartbeatBack();

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance could not leave the list of instances; the leader takes over what it left after {Seconds} s")]
    private partial void LogLeaveFailed(Exception exception, double seconds);
}
