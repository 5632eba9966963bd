using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace ReApi.Client.Tests;

public sealed class ResponseParserTests
{
    [Theory]
    [InlineData("""{"id":"task_018f5a3a1b6e7d9f","model":"gpt-image-2","status":"processing","created_at":1767225600}""")]
    [InlineData("""{"task_id":"task_018f5a3a1b6e7d9f"}""")]
    [InlineData("""{"data":[{"task_id":"task_018f5a3a1b6e7d9f"}]}""")]
    public void Submit_id_is_read_from_id_then_task_id_then_data(string body)
    {
        Assert.Equal("task_018f5a3a1b6e7d9f", ReApiResponseParser.ParseSubmit(body).Id);
    }

    [Theory]
    [InlineData("""{"status":"processing"}""")]
    [InlineData("""{"id":"bad id with spaces"}""")]
    [InlineData("not json")]
    public void Submit_without_a_usable_id_is_an_invalid_response(string body)
    {
        var error = Assert.Throws<ReApiException>(() => ReApiResponseParser.ParseSubmit(body));
        Assert.Equal(ReApiErrorKind.InvalidResponse, error.Kind);
    }

    [Fact]
    public void Completed_task_keeps_its_whole_output_and_exposes_urls()
    {
        var task = ReApiResponseParser.ParseTask("""
            {"id":"task_01kab7x3mq9f2v6t8r4n0c5d1e","model":"doubao-seedance-2.0","status":"completed","created_at":1767225700,
             "output":{"video_urls":["https://cdn.reapi.ai/0.mp4"],"last_frame_url":"https://cdn.reapi.ai/last.png","extra":{"a":1}},"error":null}
            """);
        Assert.Equal(ReApiTaskStatus.Completed, task.Status);
        Assert.Equal(["https://cdn.reapi.ai/0.mp4"], task.VideoUrls);
        Assert.Equal("https://cdn.reapi.ai/last.png", task.LastFrameUrl);
        Assert.Empty(task.ImageUrls);
        Assert.NotNull(task.Output!["extra"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225700), task.CreatedAt);
    }

    [Fact]
    public void Failed_task_carries_code_and_message()
    {
        var task = ReApiResponseParser.ParseTask("""
            {"id":"task_01kab7x3mq9f2v6t8r4n0c5d1e","status":"failed","output":null,"error":{"code":80006,"message":"Request violates content policy"}}
            """);
        Assert.Equal(ReApiTaskStatus.Failed, task.Status);
        Assert.Equal(new ReApiTaskError(80006, "Request violates content policy"), task.Error);
    }

    [Fact]
    public void Unknown_status_is_an_invalid_response_not_a_guess()
    {
        var error = Assert.Throws<ReApiException>(() => ReApiResponseParser.ParseTask("""{"id":"task_01kab7x3mq9f2v6t","status":"exploded"}"""));
        Assert.Equal(ReApiErrorKind.InvalidResponse, error.Kind);
    }

    [Theory]
    [InlineData(401, 10003, ReApiErrorKind.Authentication)]
    [InlineData(400, 20002, ReApiErrorKind.Validation)]
    [InlineData(402, 30001, ReApiErrorKind.InsufficientCredits)]
    [InlineData(404, 40401, ReApiErrorKind.NotFound)]
    [InlineData(429, 50001, ReApiErrorKind.RateLimited)]
    [InlineData(500, 60099, ReApiErrorKind.Server)]
    [InlineData(503, 60099, ReApiErrorKind.Server)]
    public void Error_envelope_maps_to_a_typed_error(int status, int code, ReApiErrorKind kind)
    {
        var body = $$$"""{"error":{"code":{{{code}}},"message":"msg {{{code}}}","request_id":"req_5b2e"}}""";
        var error = ReApiResponseParser.ParseError((HttpStatusCode)status, body, null, TimeProvider.System, isPost: false);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(code, error.Code);
        Assert.Equal($"msg {code}", error.Message);
        Assert.Equal("req_5b2e", error.RequestId);
        Assert.False(error.OutcomeUnknown);
    }

    [Fact]
    public void Html_403_from_the_edge_is_an_authentication_error_with_a_message()
    {
        var error = ReApiResponseParser.ParseError(HttpStatusCode.Forbidden, "<html>blocked</html>", null, TimeProvider.System, isPost: false);
        Assert.Equal(ReApiErrorKind.Authentication, error.Kind);
        Assert.Null(error.Code);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_5xx_after_a_post_leaves_the_outcome_unknown()
    {
        var error = ReApiResponseParser.ParseError(HttpStatusCode.BadGateway, "", null, TimeProvider.System, isPost: true);
        Assert.True(error.OutcomeUnknown);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_a_date()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage();
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        using var date = new HttpResponseMessage();
        date.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(3), ReApiResponseParser.ReadRetryAfter(seconds.Headers, time));
        Assert.Equal(TimeSpan.FromSeconds(5), ReApiResponseParser.ReadRetryAfter(date.Headers, time));
        Assert.Equal(TimeSpan.FromSeconds(1), ReApiResponseParser.ReadRetryAfter(null, time));
    }

    [Fact]
    public void Balance_is_an_integer_number_of_credits()
    {
        Assert.Equal(12500, ReApiResponseParser.ParseBalance("""{"balance": 12500}"""));
    }
}
