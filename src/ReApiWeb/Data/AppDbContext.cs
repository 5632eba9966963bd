using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReApiWeb.Data;

/// <summary>The app's data. On SQLite this type itself (its migrations in <c>Data/Migrations/Sqlite</c>); on PostgreSQL <see cref="PostgresAppDbContext"/>.</summary>
public class AppDbContext : DbContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's own context type (<see cref="PostgresAppDbContext"/>).</summary>
    protected AppDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<User> Users => Set<User>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobBatch> Batches => Set<JobBatch>();

    public DbSet<JobOutput> JobOutputs => Set<JobOutput>();

    public DbSet<Upload> Uploads => Set<Upload>();

    public DbSet<AppSetting> Settings => Set<AppSetting>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();

    public DbSet<Group> Groups => Set<Group>();

    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();

    public DbSet<Quota> Quotas => Set<Quota>();

    public DbSet<QuotaGrant> QuotaGrants => Set<QuotaGrant>();

    public DbSet<QuotaNotice> QuotaNotices => Set<QuotaNotice>();

    public DbSet<ModelPrice> Prices => Set<ModelPrice>();

    public DbSet<BalanceReading> BalanceReadings => Set<BalanceReading>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    public DbSet<AccountLink> AccountLinks => Set<AccountLink>();

    public DbSet<Collection> Collections => Set<Collection>();

    public DbSet<CollectionItem> CollectionItems => Set<CollectionItem>();

    public DbSet<CollectionShare> CollectionShares => Set<CollectionShare>();

    public DbSet<Favourite> Favourites => Set<Favourite>();

    public DbSet<PromptTemplate> PromptTemplates => Set<PromptTemplate>();

    public DbSet<UpstreamAccount> UpstreamAccounts => Set<UpstreamAccount>();

    public DbSet<CreditTotal> CreditTotals => Set<CreditTotal>();

    public DbSet<UpstreamAccountGroup> UpstreamAccountGroups => Set<UpstreamAccountGroup>();

    public DbSet<AppInstance> Instances => Set<AppInstance>();

    public DbSet<ChatReply> ChatReplies => Set<ChatReply>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();

    private List<Features.Events.AppEvent>? _queuedEvents;

    /// <summary>
    /// Queues an event to publish when this context's transaction commits (<see cref="Features.Events.EventsOnCommit"/>);
    /// a rollback drops it. Only inside a transaction: outside one, a change is committed as it is written, so publish directly.
    /// </summary>
    public void PublishOnCommit(Features.Events.AppEvent appEvent)
    {
        if (Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Events are queued for a transaction's commit; outside a transaction, publish them on the bus after the write.");
        }

        (_queuedEvents ??= []).Add(appEvent);
    }

    private List<Action>? _afterCommit;

    /// <summary>Runs <paramref name="action"/> (a metric, nothing that can fail) once this context's transaction commits; a rollback drops it.</summary>
    public void AfterCommit(Action action)
    {
        if (Database.CurrentTransaction is null)
        {
            action();
            return;
        }

        (_afterCommit ??= []).Add(action);
    }

    /// <summary>The actions queued for the commit, handed over once.</summary>
    public IReadOnlyList<Action> TakeAfterCommit()
    {
        IReadOnlyList<Action> queued = _afterCommit ?? [];
        _afterCommit = null;
        return queued;
    }

    /// <summary>The events queued so far, each once, handed over once (the commit publishes them; a rollback discards them).</summary>
    public IReadOnlyList<Features.Events.AppEvent> TakeQueuedEvents()
    {
        IReadOnlyList<Features.Events.AppEvent> queued = _queuedEvents?.Distinct().ToList() ?? [];
        _queuedEvents = null;
        return queued;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite cannot compare or order DateTimeOffset stored as text; store UTC ticks so ORDER BY and WHERE work in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
        else
        {
            // PostgreSQL's timestamptz takes UTC only; instants cut in a team's time zone carry its offset.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcInstantConverter>();
        }

        configurationBuilder.Properties<JobStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<OutputMediaKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<JobVisibility>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CollectionRole>().HaveConversion<string>().HaveMaxLength(16);
    }
}

/// <summary>Stores an instant as UTC (the same instant, offset 0) and reads it back as it is.</summary>
public sealed class UtcInstantConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
