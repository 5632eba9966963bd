using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Tests.Features.Media;

public sealed class PublicMediaLinksTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private PublicMediaLinks Links(string? publicBase = "https://dash.example.com/team/") => new(
        new EphemeralDataProtectionProvider(),
        Options.Create(new MediaOptions { PublicBaseUrl = publicBase is null ? null : new Uri(publicBase), LinkLifetime = TimeSpan.FromHours(2) }),
        _time);

    [Fact]
    public void A_link_lives_under_the_public_base_and_leads_back_to_its_target()
    {
        var links = Links();
        var target = new MediaReference(MediaSource.Upload, Guid.NewGuid());

        var link = links.Create(target, "Holiday Photo.JPEG")!;

        Assert.StartsWith("https://dash.example.com/team/media/", link.AbsoluteUri, StringComparison.Ordinal);
        Assert.EndsWith("/input.jpeg", link.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(target, links.Resolve(TokenOf(link)));
    }

    [Fact]
    public void The_form_previews_its_own_links_and_files_on_the_app_and_nothing_the_page_may_not_load()
    {
        var links = Links("https://dash.example.com/");
        var link = links.Create(new MediaReference(MediaSource.Upload, Guid.NewGuid()), "a.png")!;
        var app = new Uri("http://127.0.0.1:5000/");

        Assert.Equal(link.PathAndQuery, links.PreviewPath(link.AbsoluteUri, app));
        Assert.Equal("/sandbox/files/x.png?s=1", links.PreviewPath("http://127.0.0.1:5000/sandbox/files/x.png?s=1", app));
        Assert.Null(links.PreviewPath("https://cdn.reapi.ai/files/x.png", app));
        Assert.Null(links.PreviewPath("https://dash.example.com/outputs/x", app));
        Assert.Null(links.PreviewPath("javascript:alert(1)", app));
        Assert.Null(links.PreviewPath("not a link", app));
    }

    [Fact]
    public void Two_links_to_the_same_file_differ_so_one_cannot_be_derived_from_another()
    {
        var links = Links();
        var target = new MediaReference(MediaSource.Output, Guid.NewGuid());

        Assert.NotEqual(links.Create(target, "a.png"), links.Create(target, "a.png"));
    }

    [Fact]
    public void A_link_stops_working_when_it_expires()
    {
        var links = Links();
        var link = links.Create(new MediaReference(MediaSource.Upload, Guid.NewGuid()), "a.png")!;

        _time.Advance(TimeSpan.FromHours(1.9));
        Assert.NotNull(links.Resolve(TokenOf(link)));
        _time.Advance(TimeSpan.FromHours(0.2));
        Assert.Null(links.Resolve(TokenOf(link)));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("")]
    public void A_forged_token_leads_nowhere(string token) => Assert.Null(Links().Resolve(token));

    [Fact]
    public void An_altered_token_leads_nowhere()
    {
        var links = Links();
        var token = TokenOf(links.Create(new MediaReference(MediaSource.Upload, Guid.NewGuid()), "a.png")!);
        var altered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        Assert.Null(links.Resolve(altered));
    }

    [Fact]
    public void Without_a_public_base_url_there_are_no_links() =>
        Assert.Null(Links(publicBase: null).Create(new MediaReference(MediaSource.Upload, Guid.NewGuid()), "a.png"));

    private static string TokenOf(Uri link) => link.Segments[^2].TrimEnd('/');
}
