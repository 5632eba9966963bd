using Microsoft.AspNetCore.Components;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class JobDetails
{
    private JobView? _job;
    private bool _exists;
    private bool _loading = true;

    [Parameter]
    public Guid JobId { get; set; }

    [Inject]
    public required IJobReader Reader { get; init; }

    /// <summary>The owner (or an admin) manages the job; a teammate sees a shared job read-only, without its cost.</summary>
    private bool IsMine => _job is not null && User?.CanSee(_job.Summary.OwnerId) == true;

    protected override IEnumerable<EventTopic> Topics => [EventTopic.Job(JobId)];

    protected override async Task OnParametersSetAsync()
    {
        Listen();
        await LoadAsync();
        _loading = false;
    }

    protected override async Task LoadAsync()
    {
        _job = User is null ? null : await Reader.GetAsync(User, JobId, CancellationToken.None);
        _exists = _job is not null || await Reader.ExistsAsync(JobId, CancellationToken.None);
    }

    /// <summary>The browser tab names the job by its prompt (or its model, for a job without one).</summary>
    private string Title => _job is null ? "Job" : string.IsNullOrWhiteSpace(_job.Summary.Prompt) ? _job.Summary.ModelId
        : PromptText.Shorten(_job.Summary.Prompt, 60);
}
