using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls.Tools;

/// <summary>An HTTP tool against a fake tool server, on a fake clock: what it sends, and what the model gets back.</summary>
public sealed class HttpToolHandlerTests : IDisposable
{
    private const string Secret = "tool-secret-0123456789";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ToolServerHandler _server = new();

    [Fact]
    public async Task It_posts_the_arguments_signed_so_the_receiver_can_verify_them_and_returns_the_body_to_the_model()
    {
        const string Arguments = """{"order":"42","note":"주문 확인"}""";
        var result = await Tool().InvokeAsync("call-1", new ToolCallRequested("fc_7", "lookup_order", Arguments), CancellationToken.None);

        Assert.Equal(("""{"status":"shipped"}""", false), (result.Output, result.Failed));
        var (request, body) = Assert.Single(_server.Requests);
        Assert.Equal((HttpMethod.Post, "https://tools.example.com/orders"), (request.Method, request.RequestUri!.ToString()));
        Assert.Equal(Arguments, Encoding.UTF8.GetString(body));
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("fc_7", Assert.Single(request.Headers.GetValues("Idempotency-Key")));

        // What a receiver does: split the header, recompute the HMAC over "t.body" with the shared secret, compare.
        var parts = Assert.Single(request.Headers.GetValues("X-Dvs-Signature")).Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), parts["t"]);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(body).ToArray());
        Assert.Equal(Convert.ToHexString(expected).ToLowerInvariant(), parts["v1"]);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_gives_the_model_an_error_output_instead_of_hanging_the_call()
    {
        _server.Release = new TaskCompletionSource().Task; // never answers
        var running = Tool(timeout: TimeSpan.FromSeconds(5)).InvokeAsync("call-1", new ToolCallRequested("fc_1", "lookup_order", "{}"), CancellationToken.None).AsTask();
        await _server.Received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(running.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.Failed);
        Assert.Contains("did not answer within 5 s", result.Output, StringComparison.Ordinal);
        Assert.False(result.EndCall);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "HTTP 404")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "HTTP 503")]
    public async Task An_error_status_is_an_error_output_naming_it_and_the_body_is_not_passed_on(HttpStatusCode status, string expected)
    {
        _server.Status = status;
        _server.Body = """{"internal":"stack trace"}""";
        var result = await Tool().InvokeAsync("call-1", new ToolCallRequested("fc_1", "lookup_order", "{}"), CancellationToken.None);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stack trace", result.Output, StringComparison.Ordinal);
        Assert.StartsWith("{\"error\":", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public async Task Arguments_that_are_not_a_json_object_are_answered_without_calling_the_server(string arguments)
    {
        var result = await Tool().InvokeAsync("call-1", new ToolCallRequested("fc_1", "lookup_order", arguments), CancellationToken.None);

        Assert.True(result.Failed);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void It_is_declared_to_the_model_with_its_configured_description_schema_and_filler()
    {
        var tool = Tool(filler: "One moment, I am checking.");

        var definition = tool.Definition;
        Assert.Equal(("lookup_order", "Looks up an order by its number."), (definition.Name, definition.Description));
        Assert.Contains("\"order\"", definition.ParametersJsonSchema, StringComparison.Ordinal);
        Assert.Equal(new ToolFiller("One moment, I am checking.", TimeSpan.FromSeconds(1.5)), tool.Filler);
        Assert.Null(Tool().Filler);
    }

    private HttpToolHandler Tool(TimeSpan? timeout = null, string? filler = null) =>
        new("lookup_order", new HttpToolOptions
        {
            Url = "https://tools.example.com/orders",
            Description = "Looks up an order by its number.",
            ParametersJsonSchema = """{"type":"object","properties":{"order":{"type":"string"}},"required":["order"]}""",
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            Filler = filler,
            Secret = Secret,
        }, _server, _time, NullLogger<HttpToolHandler>.Instance);

    public void Dispose() => _server.Dispose();
}
