using System.Collections.Concurrent;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DvServerless.Functions.Tests.BrowserSessions;

/// <summary>
/// A stand-in for the media worker's internal routes on loopback: <c>POST /internal/browser/{sessionId}/{command}</c>
/// (answers 200 for a session marked live, 404 otherwise) and <c>POST /internal/sip/attach</c> (202). It checks each
/// bearer token with the development signing key and records what it got, token verdict included.
/// </summary>
public sealed class FakeBrowserWorker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeBrowserWorker(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Sessions the worker holds a live browser leg for.</summary>
    public ConcurrentDictionary<string, bool> Live { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<WorkerRequest> Requests { get; } = new();

    public static async Task<FakeBrowserWorker> StartAsync()
    {
        var port = FreeTcpPort.Next();
        var tokens = MediaTokenService.FromConfiguredKey(LocalDefaults.MediaTokenSigningKey, TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeBrowserWorker(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/internal/browser/{sessionId}/{command}", async (HttpContext context, string sessionId, string command) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var verdict = tokens.Validate(Bearer(context), MediaTokenPurpose.BrowserControl, sessionId).Status;
            fake.Requests.Enqueue(new WorkerRequest(context.Request.Path, body, verdict));
            if (verdict != MediaTokenStatus.Valid)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            return fake.Live.ContainsKey(sessionId) ? Results.Json(new { sessionId }) : Results.NotFound();
        });
        app.MapPost("/internal/sip/attach", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var callId = System.Text.Json.Nodes.JsonNode.Parse(body)?["callId"]?.GetValue<string>();
            var verdict = tokens.Validate(Bearer(context), MediaTokenPurpose.SipAttach, callId).Status;
            fake.Requests.Enqueue(new WorkerRequest(context.Request.Path, body, verdict));
            return verdict == MediaTokenStatus.Valid ? Results.Json(new { callId, status = "attaching" }, statusCode: 202) : Results.StatusCode(403);
        });
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
    }

    /// <summary>One request the worker got: its path, body and what the token check said.</summary>
    public sealed record WorkerRequest(string Path, string Body, MediaTokenStatus Token);
}
