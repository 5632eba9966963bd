using Microsoft.AspNetCore.Components;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class JobDetails
{
    private JobView? _job;
    private bool _loading = true;

    [Parameter]
    public Guid JobId { get; set; }

    [Inject]
    public required IJobReader Reader { get; init; }

    [Inject]
    public required JobSharing Sharing { get; init; }

    /// <summary>The owner (or an admin) manages the job; a teammate sees a shared job read-only, without its cost.</summary>
    private bool IsMine => _job is not null && User?.CanSee(_job.Summary.OwnerId) == true;

    private async Task ShareAsync(bool shared)
    {
        await Sharing.SetVisibilityAsync(User!, JobId, shared ? JobVisibility.Team : JobVisibility.Private, CancellationToken.None);
        await LoadAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _loading = false;
    }

    protected override async Task LoadAsync() => _job = User is null ? null : await Reader.GetAsync(User, JobId, CancellationToken.None);

    protected override bool IsRelevant(JobEvent jobEvent) => jobEvent.JobId == JobId;

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
