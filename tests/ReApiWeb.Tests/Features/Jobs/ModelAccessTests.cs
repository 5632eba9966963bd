using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>Allowed models per group: a group that lists none restricts nothing, and no group ever widens another's restriction.</summary>
public sealed class ModelAccessTests : AppTest
{
    [Fact]
    public async Task A_new_group_without_a_list_does_not_lift_another_groups_restriction()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = (await App.AddUsersAsync(1))[0];
        var restricted = await App.AddGroupAsync("contractors", [member]);
        await using (var db = await App.DbAsync())
        {
            (await db.Groups.FindAsync([restricted], ct))!.AllowedModels = ["z-image"];
            await db.SaveChangesAsync(ct);
        }

        await App.AddGroupAsync("synced-from-the-provider", [member]);
        var access = App.Services.GetRequiredService<ModelAccess>();

        Assert.True(await access.MayUseAsync(member, "z-image", ct));
        Assert.False(await access.MayUseAsync(member, "gpt-image-2", ct));
    }

    [Fact]
    public async Task A_person_in_two_restricting_groups_may_use_only_what_both_allow()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = (await App.AddUsersAsync(1))[0];
        var first = await App.AddGroupAsync("images", [member]);
        var second = await App.AddGroupAsync("cheap", [member]);
        await using (var db = await App.DbAsync())
        {
            (await db.Groups.FindAsync([first], ct))!.AllowedModels = ["z-image", "gpt-image-2"];
            (await db.Groups.FindAsync([second], ct))!.AllowedModels = ["z-image", "flux-2"];
            await db.SaveChangesAsync(ct);
        }

        var allowed = await App.Services.GetRequiredService<ModelAccess>().AllowedAsync(member, ct);

        Assert.Equal(["z-image"], allowed!);
    }

    [Fact]
    public async Task Without_restricting_groups_every_model_is_open()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = (await App.AddUsersAsync(1))[0];
        await App.AddGroupAsync("everyone", [member]);

        Assert.Null(await App.Services.GetRequiredService<ModelAccess>().AllowedAsync(member, ct));
    }
}
