using System.Net;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Sip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// Plays the Functions app for the sideband tests: takes OpenAI's <c>realtime.call.incoming</c> webhook on loopback,
/// accepts the call with <c>agent</c>, records a connected SIP session (<c>call-{id}</c>, which the test may add to) and
/// attaches the worker's sideband, as the <c>SipIncoming</c> function and the worker's attach do.
/// </summary>
internal sealed class SipAttachingReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SipAttachingReceiver(WebApplication app, Uri webhookUrl)
    {
        _app = app;
        WebhookUrl = webhookUrl;
    }

    /// <summary>Where the Realtime simulator posts the incoming-call webhook.</summary>
    public Uri WebhookUrl { get; }

    /// <summary>Starts the receiver; <paramref name="describe"/> may add to each session before it is stored.</summary>
    public static Task<SipAttachingReceiver> StartAsync(OpenAICallControlClient control, AgentOptions agent, ICallSessionStore sessions,
        SidebandCallRunner runner, Action<CallSession>? describe = null) =>
        StartAsync(control, agent, sessions, (callId, sipCallId, owner) =>
        {
            Assert.Equal(SidebandStartResult.Started, runner.TryStart(callId, sipCallId, owner));
            return Task.CompletedTask;
        }, describe);

    /// <summary>
    /// Starts a receiver that hands each accepted call to <paramref name="attach"/> (session id, SIP call id, who the call
    /// belongs to), as the Functions app hands it to a worker.
    /// </summary>
    public static async Task<SipAttachingReceiver> StartAsync(OpenAICallControlClient control, AgentOptions agent, ICallSessionStore sessions,
        Func<string, string, CallOwner, Task> attach, Action<CallSession>? describe = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/openai/sip", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var parsed = RealtimeCallIncomingParser.Parse(context.Request.Headers["webhook-id"].ToString(), buffer.ToArray());
            if (parsed.Call is not { } call)
            {
                return Results.Ok();
            }

            var accepted = await control.AcceptAsync(call.CallId, AcceptSessionBuilder.Build(agent), CancellationToken.None);
            Assert.True(accepted.IsOk, accepted.Message);
            var session = new CallSession { CallId = "call-" + call.CallId, Channel = CallChannel.Sip, State = CallState.Connected };
            describe?.Invoke(session);
            await sessions.TryCreateAsync(session, CancellationToken.None);
            // Who the call belongs to, as the Functions app tells the worker in the attach.
            var owner = CallOwner.Of(session);
            await attach(session.CallId, call.CallId, owner);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new SipAttachingReceiver(app, new Uri(address, "/api/openai/sip"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
