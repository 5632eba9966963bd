using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Credits.Components;

namespace ReApiWeb.Tests.Features.Credits;

public sealed class CostPanelTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public CostPanelTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // The panel reads only the allowance's words (its reset time); nothing here touches a database.
        var options = Options.Create(new CreditsOptions { TimeZone = "UTC" });
        Services.AddSingleton(new Allowances(options, new CreditTotals(null!, options, new ReApiWeb.Data.WriteGate(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CreditTotals>.Instance)));
    }

    private static CreditBalance Balance(long limit, long used) =>
        new(0, used, used, [new Allowance(Guid.NewGuid(), QuotaScope.User, QuotaPeriod.Day, "your daily allowance", limit, used, Now.Date, Now.Date.AddDays(1))]);

    [Fact]
    public void Shows_the_cost_how_it_is_reached_and_what_is_left()
    {
        var panel = Render<CostPanel>(p => p
            .Add(c => c.Quote, new PriceQuote(240, 3, 80, PriceUnit.Image, "4k", false))
            .Add(c => c.Balance, Balance(1000, 100)));

        Assert.Equal("240 credits", panel.Find("[data-testid=cost]").TextContent);
        Assert.Contains("$0.24", panel.Markup, StringComparison.Ordinal);
        Assert.Contains("3 images × 80 credits (4k)", panel.Markup, StringComparison.Ordinal);
        Assert.Contains("Available: 900 of 1,000 credits (your daily allowance, resets on Wed 25 Nov at 00:00 (UTC))", panel.Find("[data-testid=available]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("would be refused", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Says_when_the_price_is_a_placeholder()
    {
        var quote = new PriceQuote(100, 1, 100, PriceUnit.Generation, null, false);
        var published = Render<CostPanel>(p => p.Add(c => c.Quote, quote));
        var placeholder = Render<CostPanel>(p => p.Add(c => c.Quote, quote with { Placeholder = true }));

        Assert.Empty(published.FindAll("[data-testid=placeholder-price]"));
        Assert.Contains("placeholder: the charge may differ", placeholder.Find("[data-testid=placeholder-price]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Warns_before_submitting_a_job_that_costs_more_than_is_left()
    {
        var panel = Render<CostPanel>(p => p
            .Add(c => c.Quote, new PriceQuote(240, 3, 80, PriceUnit.Image, "4k", false))
            .Add(c => c.Balance, Balance(1000, 800)));

        Assert.Contains("This job costs more than you have left, so it would be refused.", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Says_when_no_allowance_applies()
    {
        var panel = Render<CostPanel>(p => p
            .Add(c => c.Quote, new PriceQuote(30, 1, 30, PriceUnit.Image, null, false))
            .Add(c => c.Balance, new CreditBalance(0, 0, 0, [])));

        Assert.Contains("No allowance applies to you", panel.Find("[data-testid=available]").TextContent, StringComparison.Ordinal);
    }
}
