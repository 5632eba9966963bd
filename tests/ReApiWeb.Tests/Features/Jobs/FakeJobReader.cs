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
        LastFilter = filter;
        var mine = Jobs.Where(j => filter.Scope == JobScope.Team ? j.Visibility == ReApiWeb.Data.JobVisibility.Team : j.OwnerId == user.Id).ToList();
        return Task.FromResult(new JobPage([.. mine.Skip(skip).Take(take)], mine.Count));
    }

    public Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        Loads++;
        return Task.FromResult(Views.TryGetValue(jobId, out var view) && JobSharing.CanSee(user, view.Summary.OwnerId, view.Summary.Visibility) ? view : null);
    }

    public GalleryFilter? LastFilter { get; private set; }

    public Task<IReadOnlyList<Person>> SharersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Person>>([.. Jobs.Where(j => j.Visibility == ReApiWeb.Data.JobVisibility.Team).Select(j => new Person(j.OwnerId, j.OwnerName)).Distinct()]);

    public Task<IReadOnlyList<string>> RecentModelsAsync(Guid userId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Jobs.Where(j => j.OwnerId == userId).OrderByDescending(j => j.CreatedAt).Select(j => j.ModelId).Distinct().Take(take)]);

    public Task<OutputPermalink?> GetOutputAsync(CurrentUser user, Guid outputId, CancellationToken cancellationToken) =>
        Task.FromResult(Views.Values.Where(v => JobSharing.CanSee(user, v.Summary.OwnerId, v.Summary.Visibility))
            .SelectMany(v => v.Outputs.Select(o => new OutputPermalink(o, v.Summary.Id, v.Summary.ModelId, v.Summary.Prompt, v.OwnerName, v.Summary.CreatedAt, true, false)))
            .FirstOrDefault(p => p.Output.Id == outputId));

    public Task<bool> OutputExistsAsync(Guid outputId, CancellationToken cancellationToken) =>
        Task.FromResult(Views.Values.Any(v => v.Outputs.Any(o => o.Id == outputId)));

    public Task<bool> ExistsAsync(Guid jobId, CancellationToken cancellationToken) => Task.FromResult(Views.ContainsKey(jobId));
}
