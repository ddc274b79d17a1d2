using System.Collections.Concurrent;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DvServerless.Functions.Tests.BrowserSessions;

/// <summary>
/// A stand-in for the media worker's internal routes on loopback: <c>POST /internal/calls/{callId}/{command}</c>
/// (answers 200 for a call marked live, 404 otherwise, <see cref="SayStatus"/> for say) and <c>POST /internal/sip/attach</c> (202). It checks each
/// bearer token with the development signing key and records what it got, token verdict included.
/// </summary>
public sealed class FakeBrowserWorker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeBrowserWorker(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Sessions the worker holds a live browser leg for.</summary>
    public ConcurrentDictionary<string, bool> Live { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<WorkerRequest> Requests { get; } = new();

    /// <summary>What a say to a live call answers (503: the worker's TTS is down).</summary>
    public int SayStatus { get; set; } = StatusCodes.Status200OK;

    public static async Task<FakeBrowserWorker> StartAsync()
    {
        var tokens = MediaTokenService.FromConfiguredKey(LocalDefaults.MediaTokenSigningKey, TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BoundAddress.LoopbackAny);
        var app = builder.Build();
        var fake = new FakeBrowserWorker(app);
        app.MapPost("/internal/calls/{callId}/{command}", async (HttpContext context, string callId, string command) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var verdict = tokens.Validate(Bearer(context), MediaTokenPurpose.CallControl, callId).Status;
            fake.Requests.Enqueue(new WorkerRequest(context.Request.Path, body, verdict));
            if (verdict != MediaTokenStatus.Valid)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (!fake.Live.ContainsKey(callId))
            {
                return Results.NotFound();
            }

            return command == "say" && fake.SayStatus != StatusCodes.Status200OK ? Results.StatusCode(fake.SayStatus) : Results.Json(new { callId });
        });
        app.MapPost("/internal/sip/attach", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var json = System.Text.Json.Nodes.JsonNode.Parse(body);
            var callId = json?["callId"]?.GetValue<string>();
            var verdict = tokens.Validate(Bearer(context), MediaTokenPurpose.SipAttach, callId, json?["sipCallId"]?.GetValue<string>() ?? string.Empty).Status;
            fake.Requests.Enqueue(new WorkerRequest(context.Request.Path, body, verdict));
            return verdict == MediaTokenStatus.Valid ? Results.Json(new { callId, status = "attaching" }, statusCode: 202) : Results.StatusCode(403);
        });
        await app.StartAsync();
        fake.BaseUrl = BoundAddress.Of(app);
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
