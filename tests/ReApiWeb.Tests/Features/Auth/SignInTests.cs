using System.Net;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

public sealed class SignInTests : IAsyncLifetime
{
    private TestApp _app = default!;

    public ValueTask InitializeAsync()
    {
        _app = TestApp.Start(TestApp.NewDataDirectory());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Health_answers_anonymously_when_the_database_is_ready()
    {
        using var client = _app.AnonymousClient();
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Pages_send_anonymous_people_to_sign_in()
    {
        using var client = _app.AnonymousClient();
        using var response = await client.GetAsync("/jobs", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bootstrap_admin_signs_in_and_sees_the_sandbox_banner()
    {
        using var client = await _app.SignedInClientAsync();
        var page = await client.GetStringAsync("/jobs", TestContext.Current.CancellationToken);
        Assert.Contains("My jobs", page, StringComparison.Ordinal);
        Assert.Contains("sandbox-banner", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _app.SignedInClientAsync(password: "wrong-password"));
        using var client = _app.AnonymousClient();
        var page = await client.GetStringAsync("/login?error=invalid", TestContext.Current.CancellationToken);
        Assert.Contains("do not match an active account", page, StringComparison.Ordinal);
    }
}
