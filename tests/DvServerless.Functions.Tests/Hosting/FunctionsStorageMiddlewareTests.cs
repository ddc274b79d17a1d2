using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using DvServerless.Adapters.Storage;
using DvServerless.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>
/// The Functions worker's storage middleware: under the Functions host an HTTP function that meets a storage outage is
/// answered 503 with Retry-After, as on Kestrel, and its storage work runs on the request's short budget.
/// </summary>
public sealed class FunctionsStorageMiddlewareTests
{
    private static readonly FunctionsStorageMiddleware Middleware = new(
        new StorageUnavailableResponder(Options.Create(new StorageOptions { RetryAfterSeconds = 7 }), NullLogger<StorageUnavailableResponder>.Instance));

    [Fact]
    public async Task An_http_function_that_meets_a_storage_outage_is_answered_503_with_retry_after()
    {
        var http = NewHttpContext();

        await Middleware.Invoke(new FakeFunctionContext(http), _ => throw new RequestFailedException(503, "server busy"));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("7", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("no-store", http.Response.Headers.CacheControl.ToString());
        http.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(http.Response.Body);
        Assert.Equal("storage_unavailable", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(7, body.RootElement.GetProperty("retryAfter").GetInt32());
    }

    [Fact]
    public async Task An_http_function_runs_its_storage_work_as_interactive_and_the_scope_ends_with_it()
    {
        bool? interactive = null;

        await Middleware.Invoke(new FakeFunctionContext(NewHttpContext()), _ =>
        {
            interactive = InteractiveStorageScope.IsActive;
            return Task.CompletedTask;
        });

        Assert.True(interactive);
        Assert.False(InteractiveStorageScope.IsActive);
    }

    [Fact]
    public async Task A_failure_that_is_not_storage_passes_through_unchanged()
    {
        var http = NewHttpContext();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Middleware.Invoke(new FakeFunctionContext(http), _ => throw new InvalidOperationException("a bug")));

        Assert.Equal("a bug", thrown.Message);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
    }

    [Fact]
    public async Task A_storage_outage_after_the_response_started_is_not_rewritten()
    {
        var http = NewHttpContext();
        http.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(new StartedResponse());

        await Assert.ThrowsAsync<RequestFailedException>(() =>
            Middleware.Invoke(new FakeFunctionContext(http), _ => throw new RequestFailedException(0, "no response")));
    }

    [Fact]
    public async Task A_function_that_is_not_http_keeps_the_background_budget_and_fails_as_functions_fail()
    {
        bool? interactive = null;

        await Assert.ThrowsAsync<RequestFailedException>(() => Middleware.Invoke(new FakeFunctionContext(http: null), _ =>
        {
            interactive = InteractiveStorageScope.IsActive;
            throw new RequestFailedException(503, "server busy");
        }));

        Assert.False(interactive);
    }

    private static DefaultHttpContext NewHttpContext()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/api/incoming-call";
        http.Response.Body = new MemoryStream();
        return http;
    }

    /// <summary>A function invocation as the worker hands it to middleware; the HTTP integration keeps the request in Items.</summary>
    private sealed class FakeFunctionContext : FunctionContext
    {
        // The key Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore reads in GetHttpContext().
        private const string HttpContextKey = "HttpRequestContext";

        public FakeFunctionContext(HttpContext? http)
        {
            if (http is not null)
            {
                Items[HttpContextKey] = http;
            }
        }

        public override string InvocationId => "invocation-1";

        public override string FunctionId => "function-1";

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext => null!;

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => null!;

        public override IDictionary<object, object> Items { get; set; } = new ConcurrentDictionary<object, object>();

        public override IInvocationFeatures Features => null!;
    }

    private sealed class StartedResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
