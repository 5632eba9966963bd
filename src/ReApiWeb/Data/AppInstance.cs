namespace ReApiWeb.Data;

/// <summary>
/// A running instance of the app on a shared (PostgreSQL) database, seen alive at <see cref="SeenAt"/> (the database's
/// clock). A job's <see cref="Job.InstanceId"/> names the instance that has it in hand; while that instance lives, no
/// other sends the job or settles its POST.
/// </summary>
public sealed class AppInstance
{
    public Guid Id { get; set; }

    /// <summary>The host name and process id, for the logs and an admin.</summary>
    public required string Name { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset SeenAt { get; set; }
}
