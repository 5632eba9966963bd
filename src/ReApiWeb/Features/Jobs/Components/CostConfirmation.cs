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
    public async Task<bool> ConfirmJobAsync(ReApi.Client.Pricing.PriceQuote quote)
    {
        if (quote.Credits <= await prices.ConfirmAboveAsync(CancellationToken.None))
        {
            return true;
        }

        return await dialogs.ConfirmAsync(
            "Confirm the cost",
            $"This job costs {quote.Credits:N0} credits ({Money.Dollars(quote.Credits)}): {quote.Explanation}.{(quote.Placeholder ? " " + ReApi.Client.Pricing.PriceQuote.PlaceholderNote : "")} Generate it?",
            "Generate");
    }

    public Task<bool> ConfirmJobsAsync(int count, long total, string what) =>
        dialogs.ConfirmAsync(
            "Confirm the total cost",
            $"{what}: {count} jobs for {total:N0} credits in all ({Money.Dollars(total)}). They are admitted together, or none is. Generate them?",
            $"Generate {count} jobs");
}
