using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Pipeline;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Testing.Cascaded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class VoicePipelineTests
{
    [Fact]
    public async Task Hooks_fire_through_the_call_and_filters_change_the_audio_both_ways()
    {
        var stt = new FakeSpeechToText("deepgram");
        var chat = new ScriptedChatClient();
        var tts = new FakeStreamingTextToSpeech("elevenlabs");
        var seen = new List<string>();
        var factory = VoicePipeline.Create()
            .Stt(stt)
            .Llm(chat, "small-model")
            .Tts(tts, "Rachel")
            .OnNewCall(call => seen.Add($"new {call.CallId} {call.EngineName}"))
            .OnTranscript(t => seen.Add($"{t.Speaker}: {t.Text}"))
            .OnError((call, error) => seen.Add($"error {error.Code}"))
            .OnCallEnded(call => seen.Add($"ended {call.CallId}"))
            .AudioFilter(AudioDirection.Caller, new Gain(2))
            .AudioFilter(AudioDirection.Agent, () => new Gain(-1))
            .Build();
        chat.Enqueue(new ChatScript().Text("Hello from the pipeline."));
        chat.Enqueue(new ChatScript().Fail(new InvalidOperationException("model down")));

        var engine = factory.Create("call-7", new AgentOptions());
        await engine.StartAsync(CancellationToken.None);
        var events = new List<EngineEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in engine.ReadEventsAsync(CancellationToken.None))
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });
        await engine.SendAudioAsync(Pcm(100, 100, -300), CancellationToken.None);
        stt.Current.Say("Hi there");
        await CascadedEngineHarness.Eventually(() => Count<ResponseFinished>(events) == 1, "the first answer");
        stt.Current.Say("And now?", 4000, 4500);
        await CascadedEngineHarness.Eventually(() => Count<ResponseFinished>(events) == 2, "the failed answer");
        await engine.DisposeAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Pcm(200, 200, -600), stt.Current.ReceivedAudio);
        var agentAudio = events.OfType<AgentAudioDelta>().SelectMany(a => a.Audio.ToArray()).ToArray();
        Assert.NotEmpty(agentAudio);
        Assert.All(Samples(agentAudio), s => Assert.Equal(-0x0101, s)); // The fake speaks bytes of 1 (0x0101), negated.
        Assert.Equal(
            ["new call-7 cascaded:deepgram+scripted/small-model+elevenlabs", "Caller: Hi there", "Agent: Hello from the pipeline.",
             "Caller: And now?", "error llm_failed", "ended call-7"],
            seen);
        Assert.Equal("Rachel", tts.Requests[0].Voice);
        Assert.Equal("small-model", chat.Requests[0].Options!.ModelId);
    }

    [Fact]
    public async Task Without_parts_the_pipeline_decorates_the_configured_engines_realtime_included()
    {
        var configuration = new ConfigurationBuilder().Build();
        var ended = 0;
        await using var provider = new ServiceCollection().AddLogging().AddConversationEngines(configuration)
            .AddVoicePipeline(p => p.OnCallEnded(_ => ended++))
            .BuildServiceProvider();

        var engine = provider.GetRequiredService<IConversationEngineFactory>().Create("call-1", new AgentOptions());

        Assert.Equal(provider.GetRequiredService<RealtimeEngineFactory>().Options.EngineName, engine.Name);
        Assert.Equal(AudioFormat.Pcm24k, engine.AudioFormat);
        await engine.DisposeAsync();
        Assert.Equal(1, ended);
    }

    [Fact]
    public void A_pipeline_with_only_some_parts_names_the_missing_ones()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => VoicePipeline.Create().Stt(new FakeSpeechToText()).Build());

        Assert.Contains("Llm, Tts", failure.Message, StringComparison.Ordinal);
    }

    private static int Count<T>(List<EngineEvent> events)
    {
        lock (events)
        {
            return events.OfType<T>().Count();
        }
    }

    private static byte[] Pcm(params short[] samples) => samples.SelectMany(BitConverter.GetBytes).ToArray();

    private static IEnumerable<short> Samples(byte[] pcm) => Enumerable.Range(0, pcm.Length / 2).Select(i => BitConverter.ToInt16(pcm, i * 2));

    private sealed class Gain(short factor) : IAudioFilter
    {
        public void Process(Span<short> samples, AudioFormat format)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = (short)(samples[i] * factor);
            }
        }
    }
}
