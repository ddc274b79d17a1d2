using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// ElevenLabs TTS: <c>POST {base}/v1/text-to-speech/{voice}/stream?output_format=pcm_{rate}</c> with
/// <c>{text, model_id, voice_settings{stability, similarity_boost, style, use_speaker_boost, speed}}</c> and the
/// <c>xi-api-key</c> header; the response is raw PCM16 at the asked rate, sent in chunks as it is generated, which
/// <see cref="StreamAsync"/> hands on as they arrive.
/// </summary>
public sealed class ElevenLabsTextToSpeech : IStreamingTextToSpeech
{
    private readonly HttpClient _http;
    private readonly ElevenLabsOptions _options;

    /// <summary>Creates the adapter.</summary>
    public ElevenLabsTextToSpeech(HttpClient http, IOptions<ElevenLabsOptions> options)
    {
        _http = http;
        _options = options.Value;
    }

    /// <inheritdoc />
    public string Provider => "elevenlabs";

    /// <inheritdoc />
    public string DefaultModel => _options.DefaultModel;

    /// <inheritdoc />
    public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        // The asked rate is served as is (pcm_{rate}), so the chunks pass through unchanged.
        var rate = request.OutputFormat.SampleRate;
        await foreach (var chunk in PcmResponseStream.ReadAsync(response, rate, rate, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>Sends the speech request and returns the successful response with its body still unread.</summary>
    private async Task<HttpResponseMessage> SendAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_options.IsConfigured)
        {
            throw new TextToSpeechException(Provider, "ElevenLabs is not configured: set ElevenLabs__ApiKey.");
        }

        // ElevenLabs serves pcm_8000 … pcm_44100; the leg rates map one to one, so no resampling is needed.
        var rate = request.OutputFormat.SampleRate;
        var options = request.EffectiveOptions.Clamped();
        var url = new Uri(_options.BaseUrl, $"v1/text-to-speech/{Uri.EscapeDataString(request.Voice)}/stream?output_format=pcm_{rate}");
        var body = new ElevenLabsSpeechBody(
            WithPauses(request.Text, options.Pauses),
            request.Model ?? _options.DefaultModel,
            new ElevenLabsVoiceSettings(options.Stability, options.SimilarityBoost, options.Style, options.UseSpeakerBoost, options.Speed));
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        message.Headers.Add("xi-api-key", _options.ApiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/octet-stream"));
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new TextToSpeechException(Provider, $"ElevenLabs refused the speech request with HTTP {status}.", status);
        }

        return response;
    }

    /// <summary>Adds ElevenLabs <c>&lt;break&gt;</c> tags after sentences for long pauses.</summary>
    internal static string WithPauses(string text, TtsPauses pauses)
    {
        if (pauses != TtsPauses.Long)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            result.Append(text[i]);
            if (text[i] is '.' or '!' or '?' or '。' && i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))
            {
                result.Append(" <break time=\"0.7s\" />");
            }
        }

        return result.ToString();
    }

    private sealed record ElevenLabsSpeechBody(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("model_id")] string ModelId,
        [property: JsonPropertyName("voice_settings")] ElevenLabsVoiceSettings VoiceSettings);

    private sealed record ElevenLabsVoiceSettings(
        [property: JsonPropertyName("stability")] double Stability,
        [property: JsonPropertyName("similarity_boost")] double SimilarityBoost,
        [property: JsonPropertyName("style")] double Style,
        [property: JsonPropertyName("use_speaker_boost")] bool UseSpeakerBoost,
        [property: JsonPropertyName("speed")] double Speed);
}
