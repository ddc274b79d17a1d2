using System.Text.Json;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Core.Tts;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Tests.Engines;

/// <summary>An agent's voice preset and values reach every engine: Realtime, SIP accept, cascaded TTS, greeting and say.</summary>
public sealed class AgentVoiceTests
{
    private static AgentOptions KoreanCalmAgent() => new()
    {
        Instructions = "You answer for Acme.",
        VoicePreset = "ko-KR-calm",
        VoiceOptions = new VoiceOptionOverrides { Speed = 0.8 },
    };

    private static JsonElement SessionOf(AgentOptions agent)
    {
        var writer = new RealtimeClientEventWriter();
        writer.WriteSessionUpdate("evt_1", agent, maxOutputTokens: null);
        using var json = JsonDocument.Parse(writer.WrittenMemory.ToArray());
        return json.RootElement.GetProperty("session").Clone();
    }

    [Fact]
    public void The_realtime_session_update_carries_the_speed_and_the_delivery_after_the_agents_instructions()
    {
        var session = SessionOf(KoreanCalmAgent());

        Assert.Equal(0.8, session.GetProperty("audio").GetProperty("output").GetProperty("speed").GetDouble());
        var instructions = session.GetProperty("instructions").GetString()!;
        Assert.StartsWith("You answer for Acme.\n\n" + AgentDelivery.Heading, instructions, StringComparison.Ordinal);
        Assert.Contains("해요체", instructions, StringComparison.Ordinal);
        Assert.Contains("slowly", instructions, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agent_without_voice_options_sends_its_instructions_as_they_are_and_no_speed()
    {
        var session = SessionOf(new AgentOptions { Instructions = "Plain." });

        Assert.Equal("Plain.", session.GetProperty("instructions").GetString());
        Assert.False(session.GetProperty("audio").GetProperty("output").TryGetProperty("speed", out _));
    }

    [Fact]
    public void The_sip_accept_body_carries_the_same_speed_and_delivery()
    {
        var body = AcceptSessionBuilder.Build(KoreanCalmAgent());

        Assert.Equal(0.8, body["audio"]!["output"]!["speed"]!.GetValue<double>());
        Assert.Equal(SessionOf(KoreanCalmAgent()).GetProperty("instructions").GetString(), body["instructions"]!.GetValue<string>());
    }

    [SkippableFact]
    public void Both_bodies_validate_against_the_published_schema()
    {
        var spec = SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/openai/openapi.realtime.json"));
        var writer = new RealtimeClientEventWriter();
        writer.WriteSessionUpdate("evt_1", KoreanCalmAgent(), maxOutputTokens: null);

        Assert.Empty(spec.ValidateDefinition("RealtimeClientEventSessionUpdate", System.Text.Encoding.UTF8.GetString(writer.WrittenMemory.Span)));
        Assert.Empty(spec.ValidateDefinition("RealtimeSessionCreateRequestGA", AcceptSessionBuilder.Build(KoreanCalmAgent()).ToJsonString()));
    }

    [Fact]
    public async Task The_cascaded_voice_asks_its_tts_with_the_agents_options()
    {
        var tts = new RecordingTts();
        var options = KoreanCalmAgent().EffectiveVoiceOptions();
        var voice = new CascadedVoice(tts, "v", null, AudioFormat.Pcm16k, options);

        await foreach (var _ in voice.SpeakAsync("안녕하세요", CancellationToken.None))
        {
        }

        Assert.Equal(options, tts.Request!.Options);
    }

    [Fact]
    public void The_greeting_say_and_warm_up_requests_use_the_agents_voice_unless_the_prompt_sets_its_own()
    {
        var warmup = new TtsWarmupOptions { AgentVoiceOptions = VoicePresets.EnglishBrisk };

        var plain = TtsServiceCollectionExtensions.RequestOf(new TtsPrompt("greeting", "Hello"), warmup);
        var own = TtsServiceCollectionExtensions.RequestOf(new TtsPrompt("x", "Hi", Options: VoicePresets.EnglishCalm), warmup);

        Assert.Equal(VoicePresets.EnglishBrisk, plain.Options);
        Assert.Equal(VoicePresets.EnglishCalm, own.Options);
    }

    [Fact]
    public void The_validator_names_an_unknown_preset_and_an_out_of_range_value_of_a_named_agent()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:sales:VoicePreset"] = "fr-FR-warm",
            ["Agents:sales:VoiceOptions:Stability"] = "3",
        }).Build();
        var validator = new AgentVoiceValidator(configuration);

        var result = validator.Validate(null, new AgentOptions { VoicePreset = "en-US-brisk" });

        Assert.True(result.Failed);
        Assert.Contains("Agents:sales:VoicePreset is 'fr-FR-warm'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Agents:sales:VoiceOptions:Stability must be between 0 and 1", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Agent:VoicePreset", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_names_the_default_agents_unknown_preset()
    {
        var validator = new AgentVoiceValidator(new ConfigurationBuilder().Build());

        var result = validator.Validate(null, new AgentOptions { VoicePreset = "warm" });

        Assert.True(result.Failed);
        Assert.Contains("Agent:VoicePreset is 'warm'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ko-KR-warm", result.FailureMessage, StringComparison.Ordinal);
    }

    private sealed class RecordingTts : ITextToSpeech
    {
        public TtsRequest? Request { get; private set; }

        public string Provider => "recording";

        public string DefaultModel => "recording-1";

        public Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
        {
            Request = request;
            return Task.FromResult(new byte[640]);
        }
    }
}
