using Microsoft.EntityFrameworkCore;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Jobs.Pages;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// The new-job form in bUnit, live, over a real app's services (its catalog, prices, allowances and database): what a
/// person typed survives a change of model and a reload, and options read as words.
/// </summary>
public sealed class NewJobFormTests : AppComponentTest
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        SignIn(await App.AdminIdAsync(), "admin");
    }

    private IRenderedComponent<NewJob> Open(string query)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/jobs/new" + query);
        var page = Render<NewJob>();
        page.WaitForElement("[data-field] textarea, [data-field] input");
        return page;
    }

    private static string Prompt(IRenderedComponent<NewJob> page) => page.Find("[data-field=prompt] textarea").GetAttribute("value") ?? page.Find("[data-field=prompt] textarea").TextContent;

    [Fact]
    public void Switching_model_keeps_the_prompt_and_the_shared_fields()
    {
        var page = Open("?model=gpt-image-2");
        page.Find("[data-field=prompt] textarea").Input("a fox in the snow");

        page.Find("[data-testid=model-picker] button").Click();
        page.WaitForElement("[data-model=gpt-image-2-official]").Click();

        page.WaitForAssertion(() => Assert.Equal("GPT Image 2 (official)", page.Find("[data-testid=model-name]").TextContent));
        Assert.Equal("a fox in the snow", Prompt(page));
    }

    [Fact]
    public void The_model_picker_searches_and_groups_models_by_what_they_make()
    {
        var page = Open("?model=gpt-image-2");
        page.Find("[data-testid=model-picker] button").Click();
        page.WaitForElement(".model-picker-heading");

        var headings = page.FindAll(".model-picker-heading").Select(h => h.TextContent).ToList();
        Assert.Equal(["Image", "Video", "Audio", "Text"], headings);
        page.Find("[data-testid=model-search]").Input("seedance fast");

        var found = page.FindAll("[data-model]").Select(o => o.GetAttribute("data-model")).ToList();
        Assert.NotEmpty(found);
        Assert.All(found, id => Assert.Contains("fast", id, StringComparison.Ordinal));
        Assert.Equal(["Video"], page.FindAll(".model-picker-heading").Select(h => h.TextContent));
    }

    [Fact]
    public async Task An_unsent_draft_survives_a_reload()
    {
        var page = Open("?model=gpt-image-2");
        page.Find("[data-field=prompt] textarea").Input("a lighthouse, kept");
        var saved = JSInterop.Invocations.Where(i => i.Identifier == "reapiDraft.save").Select(i => (string)i.Arguments[1]!).Last();
        Assert.Contains("a lighthouse, kept", saved, StringComparison.Ordinal);
        await DisposeComponentsAsync();

        JSInterop.Setup<string?>("reapiDraft.load", _ => true).SetResult(saved);
        var reloaded = Open("");

        reloaded.WaitForAssertion(() => Assert.Equal("a lighthouse, kept", Prompt(reloaded)));
        Assert.NotNull(reloaded.Find("[data-testid=draft-restored]"));
    }

    [Fact]
    public async Task A_template_asks_for_its_blanks_fills_the_prompt_and_holds_generate_until_each_has_a_value()
    {
        var admin = new ReApiWeb.Features.Auth.CurrentUser(await App.AdminIdAsync(), "admin", IsAdmin: true);
        var saved = await App.Services.GetRequiredService<ReApiWeb.Features.Templates.PromptTemplates>()
            .SaveAsync(admin, null, "Product shot", "A photo of {product} on {background}", shared: true, Xunit.TestContext.Current.CancellationToken);

        var page = Open($"?model=gpt-image-2&template={saved.Id}");
        page.WaitForAssertion(() => Assert.Equal("A photo of {product} on {background}", Prompt(page)));
        page.Find("[data-placeholder=product] input").Input("a red kettle");
        Assert.Equal("A photo of a red kettle on {background}", Prompt(page));

        page.Find("[data-testid=generate]").Click();
        page.WaitForAssertion(() => Assert.Contains("Fill in the template's “background” first.", page.Find("[data-field=prompt]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "reapiDraft.clear");

        page.Find("[data-placeholder=background] input").Input("white marble");
        Assert.Equal("A photo of a red kettle on white marble", Prompt(page));

        // Every blank has a value: the job goes, with the filled prompt.
        page.Find("[data-testid=generate]").Click();
        page.WaitForAssertion(() => Assert.Matches("/jobs/[0-9a-f-]{36}$", Services.GetRequiredService<NavigationManager>().Uri));
        await using var db = await App.DbAsync();
        Assert.Equal("A photo of a red kettle on white marble", (await db.Jobs.SingleAsync(Xunit.TestContext.Current.CancellationToken)).Prompt);
    }

    [Fact]
    public async Task A_template_opened_by_its_address_leaves_the_stored_draft_alone_until_the_person_types()
    {
        var admin = new ReApiWeb.Features.Auth.CurrentUser(await App.AdminIdAsync(), "admin", IsAdmin: true);
        var saved = await App.Services.GetRequiredService<ReApiWeb.Features.Templates.PromptTemplates>()
            .SaveAsync(admin, null, "Kettle", "A photo of {product}", shared: false, Xunit.TestContext.Current.CancellationToken);

        var page = Open($"?template={saved.Id}");
        page.WaitForAssertion(() => Assert.Equal("A photo of {product}", Prompt(page)));
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "reapiDraft.save");

        page.Find("[data-placeholder=product] input").Input("a kettle");
        Assert.Contains("A photo of a kettle", (string)JSInterop.Invocations.Last(i => i.Identifier == "reapiDraft.save").Arguments[1]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_read_as_words()
    {
        var model = ReApi.Client.Catalog.ModelCatalog.Default.Find("ai-essay-writer")!;
        var values = ReApiWeb.Features.Jobs.FormValues.Defaults(model);
        values["type"] = "CompareAndContrast";

        var form = Render<ReApiWeb.Features.Jobs.Components.ModelForm>(p => p.Add(f => f.Model, model).Add(f => f.Values, values));

        Assert.Equal("Compare and contrast", form.Find("[data-field=type] input").GetAttribute("value"));
    }
}
