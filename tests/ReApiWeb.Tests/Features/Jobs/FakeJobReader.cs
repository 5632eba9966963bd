using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>Jobs held in memory for component tests, with the same visibility rule as the real reader.</summary>
internal sealed class FakeJobReader : IJobReader
{
    public IReadOnlyList<JobSummary> Jobs { get; set; } = [];

    public Dictionary<Guid, JobView> Views { get; } = [];

    public int Loads { get; private set; }

    public Task<IReadOnlyList<JobSummary>> ListAsync(CurrentUser user, int take, CancellationToken cancellationToken)
    {
        Loads++;
        return Task.FromResult<IReadOnlyList<JobSummary>>([.. Jobs.Where(j => j.OwnerId == user.Id)]);
    }

    public Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        Loads++;
        return Task.FromResult(Views.TryGetValue(jobId, out var view) && user.CanSee(view.Summary.OwnerId) ? view : null);
    }
}
