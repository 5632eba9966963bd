using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

public sealed class PersonalTokensTests
{
    [Fact]
    public async Task A_token_that_never_expires_needs_the_admins_permission()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var member = (await app.AddUsersAsync(1))[0];
        var tokens = app.Services.GetRequiredService<PersonalTokens>();

        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(member, "forever", null, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(member, "ten years", TimeSpan.FromDays(3650), ct));
        Assert.NotNull((await tokens.CreateAsync(member, "a year", TimeSpan.FromDays(365), ct)).Token.ExpiresAt);
    }

    [Fact]
    public async Task With_the_admins_permission_a_token_may_never_expire()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["Auth:Tokens:AllowNeverExpiring"] = "true" });
        var member = (await app.AddUsersAsync(1))[0];

        var (token, _) = await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(member, "forever", null, TestContext.Current.CancellationToken);

        Assert.Null(token.ExpiresAt);
    }
}
