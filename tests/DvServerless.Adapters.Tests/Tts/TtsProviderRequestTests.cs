using System.Net;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Tts;

public sealed class TtsProviderRequestTests
{
    [Fact]
    public async Task ElevenLabs_streams_pcm_at_the_leg_rate_with_voice_settings_and_key_header()
    {
        var handler = new RecordingHandler { Respond = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[640]) } };
        var tts = new ElevenLabsTextToSpeech(new HttpClient(handler), Options.Create(new ElevenLabsOptions { ApiKey = "test-key", BaseUrl = new Uri("http://127.0.0.1:9/") }));

        var pcm = await tts.SynthesizeAsync(new TtsRequest("Hello.", "voice123", AudioFormat.Pcm16k, Options: new TtsVoiceOptions { Stability = 0.3, Style = 0.4 }));

        Assert.Equal(640, pcm.Length);
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:9/v1/text-to-speech/voice123/stream?output_format=pcm_16000", request.RequestUri!.ToString());
        Assert.Equal("test-key", Assert.Single(request.Headers.GetValues("xi-api-key")));
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Hello.", json.RootElement.GetProperty("text").GetString());
        Assert.Equal("eleven_multilingual_v2", json.RootElement.GetProperty("model_id").GetString());
        var settings = json.RootElement.GetProperty("voice_settings");
        Assert.Equal(0.3, settings.GetProperty("stability").GetDouble());
        Assert.Equal(0.75, settings.GetProperty("similarity_boost").GetDouble());
        Assert.Equal(0.4, settings.GetProperty("style").GetDouble());
        Assert.True(settings.GetProperty("use_speaker_boost").GetBoolean());
    }

    [Fact]
    public async Task OpenAI_asks_for_pcm_with_instructions_and_resamples_24k_to_16k()
    {
        var handler = new RecordingHandler { Respond = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[4800]) } };
        var tts = new OpenAITextToSpeech(new HttpClient(handler), Options.Create(new OpenAITtsOptions { ApiKey = "sk-test", BaseUrl = new Uri("http://127.0.0.1:9/") }));

        var pcm = await tts.SynthesizeAsync(new TtsRequest("Hi", "marin", AudioFormat.Pcm16k, Options: new TtsVoiceOptions { Speed = 0.8 }));

        Assert.Equal(3200, pcm.Length);
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:9/v1/audio/speech", request.RequestUri!.ToString());
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("gpt-4o-mini-tts", json.RootElement.GetProperty("model").GetString());
        Assert.Equal("marin", json.RootElement.GetProperty("voice").GetString());
        Assert.Equal("Hi", json.RootElement.GetProperty("input").GetString());
        Assert.Equal("pcm", json.RootElement.GetProperty("response_format").GetString());
        Assert.Contains("slowly", json.RootElement.GetProperty("instructions").GetString());
    }

    [Fact]
    public async Task Unconfigured_provider_fails_clearly()
    {
        var tts = new ElevenLabsTextToSpeech(new HttpClient(new RecordingHandler()), Options.Create(new ElevenLabsOptions()));
        var error = await Assert.ThrowsAsync<TextToSpeechException>(() => tts.SynthesizeAsync(new TtsRequest("x", "v", AudioFormat.Pcm24k)));
        Assert.Contains("ElevenLabs__ApiKey", error.Message);
    }
}
