using System.Net;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

public sealed class RealtimeEngineSidebandTests
{
    [Fact]
    public async Task A_simulated_sip_call_verifies_is_accepted_and_the_sideband_engine_attaches_by_call_id_without_a_model()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { GenerationSpeed = 20 });
        var realtime = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.Simulator, BaseUrl = new Uri(simulator.BaseUrl), ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        };
        using var http = new HttpClient();
        var control = new OpenAICallControlClient(http, realtime);
        var verifier = new StandardWebhookVerifier();
        var verdicts = new List<WebhookVerificationResult>();
        var events = new List<EngineEvent>();
        var agent = new AgentOptions { GreetFirst = true, GreetingInstructions = "Say hello." };
        Task? sideband = null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/api/openai/sip", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var verdict = verifier.Verify(context.Request.Headers, body, SipSimulatorDefaults.WebhookSecret);
            verdicts.Add(verdict);
            if (verdict != WebhookVerificationResult.Valid)
            {
                context.Response.StatusCode = 400;
                return;
            }

            var parsed = RealtimeCallIncomingParser.Parse(context.Request.Headers["webhook-id"].ToString(), body);
            if (parsed.Call is { } call)
            {
                var accepted = await control.AcceptAsync(call.CallId,
                    AcceptSessionBuilder.Build(agent, [AcceptSessionBuilder.CreateEndCallTool(), AcceptSessionBuilder.CreateTransferTool()]),
                    CancellationToken.None);
                Assert.True(accepted.IsOk, accepted.Message);
                sideband = Task.Run(async () =>
                {
                    await using var engine = RealtimeEngine.CreateSideband("call-1", call.CallId, agent, realtime);
                    Assert.True(engine.IsSideband);
                    await engine.StartAsync(CancellationToken.None);
                    await engine.CreateResponseAsync(agent.GreetingInstructions, CancellationToken.None);
                    await Assert.ThrowsAsync<NotSupportedException>(() => engine.SendAudioAsync(new byte[960], CancellationToken.None).AsTask());
                    await foreach (var evt in engine.ReadEventsAsync(CancellationToken.None))
                    {
                        events.Add(evt);
                        if (evt is EngineClosed)
                        {
                            break;
                        }
                    }
                });
            }

            context.Response.StatusCode = 200;
        });
        await receiver.StartAsync();
        var address = new Uri(receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var result = await simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = new Uri(address, "/api/openai/sip"),
            AlsoEmitLiveCallIncoming = true,
            CallerStartDelay = TimeSpan.Zero,
            // The caller has no audio, so its quiet clock starts at attach: it must outlast the sideband's first
            // response.create on a cold, busy machine (300 ms did not on CI).
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
        });
        await sideband!.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([WebhookVerificationResult.Valid, WebhookVerificationResult.Valid], verdicts);
        Assert.Equal([200], result.WebhookAttempts);
        Assert.Equal(200, result.LiveWebhookStatus);
        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        var session = simulator.Records.Sessions.Single();
        Assert.Equal(result.CallId, session.CallId);
        Assert.Null(session.Model);
        Assert.DoesNotContain(simulator.Records.ClientEvents, e => e.Type is "input_audio_buffer.append" or "session.update");
        Assert.Contains(simulator.Records.ClientEvents, e => e.Type == "response.create");
        Assert.Contains(events, e => e is ResponseFinished);
        // SIP only: the greeting's audio plays into the call after it was generated, and the far end says when it is done.
        var playing = Assert.Single(events.OfType<AgentPlaybackStarted>());
        var played = Assert.Single(events.OfType<AgentPlaybackStopped>());
        Assert.Equal(playing.ResponseId, played.ResponseId);
        Assert.False(played.Cleared);
        Assert.True(events.IndexOf(played) > events.FindIndex(e => e is ResponseFinished));
        Assert.IsType<EngineClosed>(events[^1]);
    }
}
