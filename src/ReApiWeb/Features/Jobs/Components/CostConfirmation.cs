using MudBlazor;
using ReApiWeb.Components.Shared;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Jobs.Components;

/// <summary>
/// Asks a person to confirm what they are about to spend: a single job when it costs more than the admin's threshold,
/// several jobs (a comparison, a batch, variations) always, with their total.
/// </summary>
public sealed class CostConfirmation(IDialogService dialogs, PriceBook prices)
{
    public async Task<bool> ConfirmJobAsync(long credits, string explanation)
    {
        if (credits <= await prices.ConfirmAboveAsync(CancellationToken.None))
        {
            return true;
        }

        return await dialogs.ConfirmAsync(
            "Confirm the cost",
            $"This job costs {credits:N0} credits ({Money.Dollars(credits)}): {explanation}. Generate it?",
            "Generate");
    }

    public Task<bool> ConfirmJobsAsync(int count, long total, string what) =>
        dialogs.ConfirmAsync(
            "Confirm the total cost",
            $"{what}: {count} jobs for {total:N0} credits in all ({Money.Dollars(total)}). They are admitted together, or none is. Generate them?",
            $"Generate {count} jobs");
}
