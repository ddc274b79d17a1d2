using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tests.Fakes;

/// <summary>
/// A provider stand-in on 127.0.0.1:0 (real Kestrel, so responses can be streamed and a client abort is seen): records
/// every request with its body and answers with the test's <c>respond</c> delegate.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackHttpServer(WebApplication app) => _app = app;

    /// <summary>The server's base address, ending in '/'.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public List<RecordedHttpRequest> Requests { get; } = [];

    /// <summary>Completes when a client closed a request before its response ended.</summary>
    public Task Aborted => _aborted.Task;

    public static async Task<LoopbackHttpServer> StartAsync(Func<HttpContext, RecordedHttpRequest, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackHttpServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var recorded = new RecordedHttpRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            lock (server.Requests)
            {
                server.Requests.Add(recorded);
            }

            context.RequestAborted.Register(() => server._aborted.TrySetResult());
            try
            {
                await respond(context, recorded);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away mid-response: recorded by Aborted.
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Writes <paramref name="text"/> and flushes, so the client sees it now.</summary>
    public static async Task WriteAndFlushAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the fake received.</summary>
internal sealed record RecordedHttpRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
