using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class JobDetails
{
    private JobView? _job;
    private bool _loading = true;
    private CurrentUser? _user;
    private IDisposable? _subscription;
    private RefreshCoalescer? _refresh;

    [Parameter]
    public Guid JobId { get; set; }

    [Inject]
    public required IJobReader Reader { get; init; }

    [Inject]
    public required IJobNotifier Notifier { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.From((await AuthenticationState).User);
        _refresh = new RefreshCoalescer(() => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        _subscription = Notifier.Subscribe(OnJobEventAsync);
    }

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync() => _job = _user is null ? null : await Reader.GetAsync(_user, JobId, CancellationToken.None);

    private async Task OnJobEventAsync(JobEvent jobEvent)
    {
        if (jobEvent.JobId != JobId)
        {
            return;
        }

        try
        {
            await _refresh!.RequestAsync();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public void Dispose() => _subscription?.Dispose();
}
