using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Templates;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Templates;

/// <summary>Saved prompts: placeholders, who sees a template, who may change it.</summary>
public sealed class PromptTemplatesTests : AppTest
{
    private PromptTemplates Templates => App.Services.GetRequiredService<PromptTemplates>();

    private async Task<CurrentUser> PersonAsync(string name) =>
        new(await App.AddLocalUserAsync($"{name}@test.local", "member-password-1"), name, IsAdmin: false);

    private async Task<Guid> SaveAsync(CurrentUser owner, string name, string text, bool shared)
    {
        var change = await Templates.SaveAsync(owner, null, name, text, shared, TestContext.Current.CancellationToken);
        Assert.True(change.Done, change.Error);
        return change.Id;
    }

    [Fact]
    public void Placeholders_are_named_blanks_in_order_and_json_braces_are_text()
    {
        Assert.Equal(["product", "background colour"], TemplateText.Placeholders("A photo of {product} on {background colour}, {Product} again, {\"seed\": 1} and {} and { x}"));
        Assert.Empty(TemplateText.Placeholders("No blanks here {\"a\":1}"));
    }

    [Fact]
    public void Filling_replaces_the_blanks_that_have_values_and_names_the_first_still_empty()
    {
        var text = "A {animal} in {place}, a {animal} again";

        var partly = TemplateText.Fill(text, new Dictionary<string, string?> { ["Animal"] = " fox ", ["place"] = "  " });
        Assert.Equal(("A fox in {place}, a fox again", "place"), partly);

        var whole = TemplateText.Fill(text, new Dictionary<string, string?> { ["animal"] = "fox", ["place"] = "the {snow}" });
        Assert.Equal(("A fox in the {snow}, a fox again", (string?)null), whole);
    }

    [Fact]
    public async Task A_personal_template_is_its_owners_alone_and_a_shared_one_is_everyones_to_use_not_to_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var admin = new CurrentUser(await App.AdminIdAsync(), "Administrator", IsAdmin: true);
        var personal = await SaveAsync(alice, "Moodboard", "A moodboard of {theme}", shared: false);
        var shared = await SaveAsync(alice, "Product shot", "A photo of {product} on {background}", shared: true);

        Assert.Equal(["Product shot"], (await Templates.ListAsync(bob, ct)).Select(t => t.Name));
        Assert.Null(await Templates.GetAsync(bob, personal, ct));
        Assert.Null(await Templates.GetAsync(admin, personal, ct));
        var seen = await Templates.GetAsync(bob, shared, ct);
        Assert.NotNull(seen);
        Assert.Equal(("alice", false, false), (seen.OwnerName, seen.IsMine, seen.CanEdit));
        Assert.Equal(["product", "background"], seen.Placeholders);

        Assert.False((await Templates.SaveAsync(bob, shared, "Mine now", "stolen", false, ct)).Done);
        Assert.False((await Templates.DeleteAsync(bob, shared, ct)).Done);
        Assert.False((await Templates.SaveAsync(bob, personal, "Mine now", "stolen", false, ct)).Done);
        Assert.False((await Templates.DeleteAsync(admin, personal, ct)).Done);
        await using (var db = await App.DbAsync())
        {
            Assert.Equal(["A moodboard of {theme}", "A photo of {product} on {background}"], await db.PromptTemplates.OrderBy(t => t.Name).Select(t => t.Text).ToListAsync(ct));
        }

        // An admin looks after what the whole team sees: a shared template, audited.
        Assert.True((await Templates.DeleteAsync(admin, shared, ct)).Done);
        await using var check = await App.DbAsync();
        Assert.Equal(1, await check.Audit.CountAsync(a => a.Action == "template.delete", ct));
        Assert.Empty(await Templates.ListAsync(bob, ct));
    }

    [Fact]
    public async Task Bad_templates_are_refused_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await PersonAsync("alice");
        await SaveAsync(alice, "Portrait", "A portrait of {who}", shared: false);

        Assert.Equal("Give the template a name.", (await Templates.SaveAsync(alice, null, " ", "text", false, ct)).Error);
        Assert.StartsWith("Write the prompt", (await Templates.SaveAsync(alice, null, "Empty", "  ", false, ct)).Error);
        Assert.Contains("already a template named", (await Templates.SaveAsync(alice, null, " PORTRAIT ", "Another {x}", false, ct)).Error);
        var many = string.Join(' ', Enumerable.Range(1, 21).Select(i => $"{{p{i}}}"));
        Assert.Contains("at most 20", (await Templates.SaveAsync(alice, null, "Many", many, false, ct)).Error);
        Assert.Contains("at most", (await Templates.SaveAsync(alice, null, "Long", new string('a', 8001), false, ct)).Error);

        // Another person may use the same name: names are per owner.
        var bob = await PersonAsync("bob");
        Assert.True((await Templates.SaveAsync(bob, null, "Portrait", "Bob's {who}", true, ct)).Done);
    }

    [Fact]
    public async Task Saves_of_the_same_name_at_once_make_one_template()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await PersonAsync("alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Templates.SaveAsync(alice, null, i % 2 == 0 ? "Logo" : "logo", "A logo for {brand}", false, ct), ct)));

        Assert.Single(results, r => r.Done);
        Assert.All(results.Where(r => !r.Done), r => Assert.Contains("already a template named", r.Error, StringComparison.Ordinal));
        await using var db = await App.DbAsync();
        Assert.Equal(1, await db.PromptTemplates.CountAsync(ct));
    }
}
