using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Decides when a task is polled next: about a tenth of the model's typical duration (so a result is seen soon
/// after it is ready, without spending the shared budget on tasks that cannot be done yet), slower for tasks running
/// far past their typical time, backing off after errors, and never longer than the cap.
/// </summary>
public sealed class PollPlanner(IOptions<PollingOptions> options)
{
    private PollingOptions Options => options.Value;

    public TimeSpan NextDelay(TimeSpan typicalDuration, TimeSpan age, int consecutiveErrors)
    {
        var interval = Clamp(typicalDuration / 10, Options.MinInterval, Options.MaxInterval);
        if (age > typicalDuration * 3)
        {
            interval *= 2;
        }

        if (consecutiveErrors > 0)
        {
            interval *= Math.Pow(2, Math.Min(consecutiveErrors, 10));
        }

        return interval < Options.MaxGap ? interval : Options.MaxGap;
    }

    public bool IsStalled(TimeSpan typicalDuration, TimeSpan age)
    {
        var limit = typicalDuration * Options.StallFactor;
        return age > (limit > Options.StallAfterMinimum ? limit : Options.StallAfterMinimum);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
