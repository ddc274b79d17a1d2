using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>The engine against the project's Realtime simulator: two independent readings of the GA protocol agree.</summary>
public sealed class RealtimeEngineSimulatorTests
{
    [Theory]
    [InlineData(RealtimeServiceKind.Simulator)]
    [InlineData(RealtimeServiceKind.AzureOpenAI)]
    public async Task GreetingTurn_StreamsAudioAndTranscriptAndFinishes(RealtimeServiceKind service)
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            InstructedReply = _ => "Hello, thanks for calling.",
            SpeechMsPerCharacter = 10,
            GenerationSpeed = 1000,
        });
        var agent = new AgentOptions { GreetFirst = true, GreetingInstructions = "Greet the caller." };
        await using var engine = EngineOn(simulator, "call-sim", agent, service);

        await engine.StartAsync(CancellationToken.None);
        await engine.CreateResponseAsync(agent.GreetingInstructions, CancellationToken.None);

        var events = await ReadOneResponseAsync(engine);

        var started = Assert.IsType<ResponseStarted>(events[0]);
        var audio = events.OfType<AgentAudioDelta>().ToList();
        Assert.NotEmpty(audio);
        Assert.All(audio, a => Assert.Equal(started.ResponseId, a.ResponseId));
        Assert.Equal(0, audio.Sum(a => a.Audio.Length) % 2); // whole PCM16 samples
        Assert.Equal("Hello, thanks for calling.", Assert.Single(events.OfType<AgentTranscriptDone>()).Transcript);
        Assert.Equal(new ResponseFinished(started.ResponseId, "completed", null), events[^1]);
        Assert.Equal(1, engine.Usage.Responses);
    }

    [Fact]
    public async Task Typed_user_text_is_an_item_and_a_response_the_simulator_accepts_and_answers()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            AgentReply = (_, _) => "We open at nine.",
            SpeechMsPerCharacter = 10,
            GenerationSpeed = 1000,
        });
        await using var engine = EngineOn(simulator, "call-text");
        await engine.StartAsync(CancellationToken.None);

        await engine.SendUserTextAsync("When do you open?", CancellationToken.None);

        var events = await ReadOneResponseAsync(engine);

        Assert.Equal("We open at nine.", Assert.Single(events.OfType<AgentTranscriptDone>()).Transcript);
        Assert.IsType<ResponseFinished>(events[^1]);
        Assert.Empty(simulator.Records.Errors);
        var types = simulator.Records.ClientEvents.Select(c => c.Type).Where(t => t is "conversation.item.create" or "response.create").ToArray();
        Assert.Equal(["conversation.item.create", "response.create"], types);
    }

    /// <summary>An engine for <paramref name="callId"/> against <paramref name="simulator"/>, as <paramref name="service"/> addresses it.</summary>
    internal static RealtimeEngine EngineOn(RealtimeSimulator simulator, string callId, AgentOptions? agent = null,
        RealtimeServiceKind service = RealtimeServiceKind.Simulator) =>
        new(callId, agent ?? new AgentOptions(), new RealtimeEngineOptions
        {
            Service = service,
            BaseUrl = new Uri(service == RealtimeServiceKind.AzureOpenAI ? simulator.AzureBaseUrl : simulator.BaseUrl),
            ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        });

    /// <summary>The engine's events up to the end of one response (or the first error or close), within 20 s.</summary>
    internal static async Task<List<EngineEvent>> ReadOneResponseAsync(RealtimeEngine engine)
    {
        var events = new List<EngineEvent>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in engine.ReadEventsAsync(guard.Token))
        {
            events.Add(e);
            if (e is ResponseFinished or EngineClosed or EngineError)
            {
                break;
            }
        }

        return events;
    }
}
