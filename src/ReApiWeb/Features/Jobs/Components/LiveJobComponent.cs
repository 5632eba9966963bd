using Microsoft.AspNetCore.Components;
using ReApiWeb.Components.Shared;

namespace ReApiWeb.Features.Jobs.Components;

/// <summary>A component that shows job data and reloads it when a relevant job event arrives over the notifier.</summary>
public abstract class LiveJobComponent : LiveComponent
{
    [Inject]
    public required IJobNotifier Notifier { get; init; }

    /// <summary>Whether an event concerns what this component shows.</summary>
    protected abstract bool IsRelevant(JobEvent jobEvent);

    protected override IDisposable Subscribe() =>
        Notifier.Subscribe(jobEvent => IsRelevant(jobEvent) ? RefreshAsync() : Task.CompletedTask);
}
