namespace ReApiWeb.Features.Cluster;

/// <summary>How instances on one PostgreSQL database share the work only one of them may do (the "Cluster" section).</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>How often the leader checks that it still holds its lease (a query on the lease's own connection).</summary>
    public TimeSpan LeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an instance that does not lead tries to take the lease.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the leader reads the jobs other instances sent (tasks to follow, POSTs left by a dead instance, jobs
    /// it admitted but never sent); an event from the other instance brings a new task at once when Redis is set.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each instance tells the database it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An instance not seen for this long is gone: the leader sends the jobs it admitted but never sent, and makes the
    /// POSTs it had on their way Unconfirmed (one that stopped normally leaves at once).
    /// </summary>
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
