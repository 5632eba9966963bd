using ReApiWeb.Features.Credits;

namespace ReApiWeb.Tests.Features.Credits;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=cmd", "'\t=cmd")]
    [InlineData("\r=cmd", "\"'\r=cmd\"")]
    [InlineData("plain", "plain")]
    public void A_text_that_a_spreadsheet_would_run_is_neutralised(string text, string expected) =>
        Assert.Equal(expected, Csv.Line(text));

    [Fact]
    public void Numbers_keep_their_sign() => Assert.Equal("-5", Csv.Line(-5));
}
