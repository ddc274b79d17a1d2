using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// OpenAI TTS: <c>POST {base}/v1/audio/speech</c> with <c>{model, voice, input, instructions, response_format: "pcm", speed}</c>;
/// the response is PCM16 mono at 24 kHz in chunked transfer encoding as it is generated, resampled to the leg's rate
/// when that differs (whole for <see cref="SynthesizeAsync"/>, chunk by chunk for <see cref="StreamAsync"/>).
/// </summary>
public sealed class OpenAITextToSpeech : IStreamingTextToSpeech
{
    /// <summary>The rate of OpenAI's <c>pcm</c> response format.</summary>
    public const int ResponseSampleRate = 24_000;

    private readonly HttpClient _http;
    private readonly OpenAITtsOptions _options;

    /// <summary>Creates the adapter.</summary>
    public OpenAITextToSpeech(HttpClient http, IOptions<OpenAITtsOptions> options)
    {
        _http = http;
        _options = options.Value;
    }

    /// <inheritdoc />
    public string Provider => "openai";

    /// <inheritdoc />
    public string DefaultModel => _options.DefaultModel;

    /// <inheritdoc />
    public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var pcm = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return PcmResampler.Convert(pcm, ResponseSampleRate, request.OutputFormat.SampleRate);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await foreach (var chunk in PcmResponseStream.ReadAsync(response, ResponseSampleRate, request.OutputFormat.SampleRate, cancellationToken)
                           .ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>Sends the speech request and returns the successful response with its body (chunked PCM) still unread.</summary>
    private async Task<HttpResponseMessage> SendAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_options.IsConfigured)
        {
            throw new TextToSpeechException(Provider, "OpenAI TTS is not configured: set OpenAITts__ApiKey.");
        }

        var options = request.EffectiveOptions.Clamped();
        var model = request.Model ?? _options.DefaultModel;
        var body = new SpeechBody(
            model,
            request.Voice,
            request.Text,
            // Only the gpt-4o TTS models follow instructions; tts-1 rejects the field.
            model.StartsWith("gpt-", StringComparison.Ordinal) ? options.ToInstructions() : null,
            "pcm",
            options.Speed);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUrl, "v1/audio/speech")) { Content = JsonContent.Create(body) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new TextToSpeechException(Provider, $"OpenAI refused the speech request with HTTP {status}.", status);
        }

        return response;
    }

    private sealed record SpeechBody(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("voice")] string Voice,
        [property: JsonPropertyName("input")] string Input,
        [property: JsonPropertyName("instructions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Instructions,
        [property: JsonPropertyName("response_format")] string ResponseFormat,
        [property: JsonPropertyName("speed")] double Speed);
}
