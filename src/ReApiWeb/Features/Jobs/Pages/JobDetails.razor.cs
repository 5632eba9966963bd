using Microsoft.AspNetCore.Components;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class JobDetails
{
    private JobView? _job;
    private bool _loading = true;

    [Parameter]
    public Guid JobId { get; set; }

    [Inject]
    public required IJobReader Reader { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _loading = false;
    }

    protected override async Task LoadAsync() => _job = User is null ? null : await Reader.GetAsync(User, JobId, CancellationToken.None);

    protected override bool IsRelevant(JobEvent jobEvent) => jobEvent.JobId == JobId;

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
