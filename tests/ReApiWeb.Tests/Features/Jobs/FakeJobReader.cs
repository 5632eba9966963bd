using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>Jobs held in memory for component tests, with the same visibility rule as the real reader.</summary>
internal sealed class FakeJobReader : IJobReader
{
    public IReadOnlyList<JobSummary> Jobs { get; set; } = [];

    public Dictionary<Guid, JobView> Views { get; } = [];

    public int Loads { get; private set; }

    public Task<JobPage> ListAsync(CurrentUser user, GalleryFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        Loads++;
        var mine = Jobs.Where(j => filter.Scope == JobScope.Team ? j.Visibility == ReApiWeb.Data.JobVisibility.Team : j.OwnerId == user.Id).ToList();
        return Task.FromResult(new JobPage([.. mine.Skip(skip).Take(take)], mine.Count));
    }

    public Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        Loads++;
        return Task.FromResult(Views.TryGetValue(jobId, out var view) && JobSharing.CanSee(user, view.Summary.OwnerId, view.Summary.Visibility) ? view : null);
    }

    public Task<bool> ExistsAsync(Guid jobId, CancellationToken cancellationToken) => Task.FromResult(Views.ContainsKey(jobId));
}
