using System.Diagnostics;
using System.Net;
using Azure.Core.Pipeline;
using DvServerless.Adapters.Acs;

namespace DvServerless.Adapters.Tests.Acs;

/// <summary>
/// Call Automation on 429 and 5xx: the service's <c>Retry-After</c> is honoured, retries are bounded, and then the call
/// fails with a clear <see cref="AcsRequestFailedException"/> carrying the status, in bounded time.
/// </summary>
public sealed class AcsRetryTests
{
    private const string KeyBase64 = "ZHZzZXJ2ZXJsZXNzLXRlc3QtYWNzLWtleS0wMTIzNDU2Nzg5";

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_and_the_retry_succeeds()
    {
        var server = new ScriptedServer(
            () => Answer(HttpStatusCode.TooManyRequests, retryAfter: "1"),
            () => Answer(HttpStatusCode.NoContent));
        var watch = Stopwatch.StartNew();

        await Client(server).HangUpAsync("conn-1");

        watch.Stop();
        Assert.Equal(2, server.Requests);
        // The computed delay would be 0.5 s; the service asked for 1 s and got it.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_503_forever_ends_in_a_clear_failure_after_bounded_retries()
    {
        var server = new ScriptedServer(() => Answer(HttpStatusCode.ServiceUnavailable));
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<AcsRequestFailedException>(() => Client(server).HangUpAsync("conn-1"));

        watch.Stop();
        Assert.Equal(503, failure.Status);
        // The first try and 3 retries, 0.5 + 1 + 2 s apart (with jitter): about 3.5 s, never the SDK's minutes.
        Assert.Equal(4, server.Requests);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"gave up after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_bound_is_not_waited_out()
    {
        var server = new ScriptedServer(() => Answer(HttpStatusCode.TooManyRequests, retryAfter: "120"));
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<AcsRequestFailedException>(() => Client(server).HangUpAsync("conn-1"));

        watch.Stop();
        Assert.Equal(429, failure.Status);
        Assert.Equal(1, server.Requests);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"gave up after {watch.Elapsed}");
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms")]
    [InlineData("retry-after-ms")]
    public async Task A_millisecond_retry_header_longer_than_the_bound_is_not_waited_out(string header)
    {
        // Regression: Azure.Core waits what these headers ask before it looks at Retry-After, but the bound only read
        // Retry-After, so a 2-minute x-ms-retry-after-ms was waited out (4 times) inside a webhook.
        var server = new ScriptedServer(() =>
        {
            var response = Answer(HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation(header, "120000");
            return response;
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<AcsRequestFailedException>(() => Client(server).HangUpAsync("conn-1", cancel.Token));

        watch.Stop();
        Assert.Equal(429, failure.Status);
        Assert.Equal(1, server.Requests);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"gave up after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_short_millisecond_retry_header_is_waited_out()
    {
        var server = new ScriptedServer(
            () =>
            {
                var response = Answer(HttpStatusCode.ServiceUnavailable);
                response.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", "1200");
                return response;
            },
            () => Answer(HttpStatusCode.NoContent));
        var watch = Stopwatch.StartNew();

        await Client(server).HangUpAsync("conn-1");

        watch.Stop();
        Assert.Equal(2, server.Requests);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.15), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_4xx_other_than_429_is_final()
    {
        var server = new ScriptedServer(() => Answer(HttpStatusCode.NotFound));

        var failure = await Assert.ThrowsAsync<AcsRequestFailedException>(() => Client(server).HangUpAsync("gone"));

        Assert.Equal(404, failure.Status);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void Retry_after_reads_seconds_and_http_dates()
    {
        var now = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(7), AcsRetryPolicy.RetryAfter(new FakeResponse("7"), now));
        Assert.Equal(TimeSpan.FromSeconds(30), AcsRetryPolicy.RetryAfter(new FakeResponse("Sat, 05 Dec 2026 09:00:30 GMT"), now));
        Assert.Null(AcsRetryPolicy.RetryAfter(new FakeResponse(null), now));
    }

    private static AcsCallAutomationClient Client(ScriptedServer server) =>
        new(AcsConnectionString.Parse($"endpoint=https://dvs-acs.communication.azure.com/;accesskey={KeyBase64}"),
            new AcsCallAutomationClientOptions { Transport = new HttpClientTransport(new HttpClient(server)) });

    private static HttpResponseMessage Answer(HttpStatusCode status, string? retryAfter = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(string.Empty) };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    /// <summary>Answers from a script; the last answer repeats.</summary>
    private sealed class ScriptedServer(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _requests) - 1;
            return Task.FromResult(answers[Math.Min(index, answers.Length - 1)]());
        }
    }

    private sealed class FakeResponse(string? retryAfter) : Azure.Response
    {
        public override int Status => 429;

        public override string ReasonPhrase => "Too Many Requests";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => retryAfter is not null && name == "Retry-After";

        protected override IEnumerable<Azure.Core.HttpHeader> EnumerateHeaders() =>
            retryAfter is null ? [] : [new Azure.Core.HttpHeader("Retry-After", retryAfter)];

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = name == "Retry-After" ? retryAfter : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = name == "Retry-After" && retryAfter is not null ? [retryAfter] : null;
            return values is not null;
        }
    }
}
