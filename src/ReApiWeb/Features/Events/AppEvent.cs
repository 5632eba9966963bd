namespace ReApiWeb.Features.Events;

/// <summary>
/// Something that happened which open pages, the jobs hub or caches may need to learn of. Each event names the topics
/// it touches; the bus hands it only to subscribers of those topics. Events are plain data (ids, statuses, text), so a
/// distributed bus can carry them between instances.
/// </summary>
public abstract record AppEvent
{
    /// <summary>The topics this event touches.</summary>
    public abstract IReadOnlyList<EventTopic> Topics { get; }

    /// <summary>
    /// What a later event may replace while both wait for a slow subscriber (a job's newer status replaces its older
    /// one); null when each event counts on its own.
    /// </summary>
    public virtual object? CoalesceKey => null;

    /// <summary>About this instance alone (what it can reach): never sent to the other instances.</summary>
    public virtual bool LocalOnly => false;
}

/// <summary>What an event is about, as subscribers ask for it.</summary>
public enum TopicKind
{
    /// <summary>One job (its page, its lightbox, a batch's page).</summary>
    Job,

    /// <summary>The jobs of one person (their gallery).</summary>
    JobsOf,

    /// <summary>Jobs the team's gallery shows or showed (shared with the team, or just made private).</summary>
    SharedJobs,

    /// <summary>Every job (the hub's relay, which sends each to its owner and to admins).</summary>
    AllJobs,

    /// <summary>The credits of one person; <see cref="Guid.Empty"/> for a change that concerns everyone (limits).</summary>
    CreditsOf,

    /// <summary>Anyone's credits (admin pages).</summary>
    AllCredits,

    /// <summary>The price list.</summary>
    Prices,

    /// <summary>reAPI accounts (added, tested, rotated, drained, removed).</summary>
    Accounts,

    /// <summary>A person's access (rights, sessions, tokens).</summary>
    Access,

    /// <summary>What this instance can reach of what instances share (Redis).</summary>
    Cluster,

    /// <summary>A reAPI balance was read (reconciliation): the warnings drawn from balances change.</summary>
    Balances,
}

/// <summary>A topic: a kind, and the job or person it is about (<see cref="Guid.Empty"/> when it is about neither).</summary>
public readonly record struct EventTopic(TopicKind Kind, Guid Id)
{
    public static EventTopic Job(Guid jobId) => new(TopicKind.Job, jobId);

    public static EventTopic JobsOf(Guid personId) => new(TopicKind.JobsOf, personId);

    public static readonly EventTopic SharedJobs = new(TopicKind.SharedJobs, Guid.Empty);

    public static readonly EventTopic AllJobs = new(TopicKind.AllJobs, Guid.Empty);

    public static EventTopic CreditsOf(Guid personId) => new(TopicKind.CreditsOf, personId);

    /// <summary>Changes to everyone's credits at once (an allowance for the team or a group).</summary>
    public static readonly EventTopic CreditsOfEveryone = new(TopicKind.CreditsOf, Guid.Empty);

    public static readonly EventTopic AllCredits = new(TopicKind.AllCredits, Guid.Empty);

    public static readonly EventTopic Prices = new(TopicKind.Prices, Guid.Empty);

    public static readonly EventTopic Accounts = new(TopicKind.Accounts, Guid.Empty);

    public static readonly EventTopic Access = new(TopicKind.Access, Guid.Empty);

    public static readonly EventTopic Cluster = new(TopicKind.Cluster, Guid.Empty);

    public static readonly EventTopic Balances = new(TopicKind.Balances, Guid.Empty);
}
