using System.Net.Http.Headers;
using System.Text.Json;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Tts;
using DvServerless.Core.Voices;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Voices;

/// <summary>
/// ElevenLabs voice management: <c>POST {base}/v1/voices/add</c> (multipart <c>name</c>, <c>files</c>,
/// <c>description</c>) → <c>{"voice_id"}</c>; <c>DELETE /v1/voices/{id}</c>; <c>GET /v1/voices</c>; all with the
/// <c>xi-api-key</c> header.
/// </summary>
public sealed class ElevenLabsVoiceClient
{
    /// <summary>The ElevenLabs category of its own ready-made voices (shared by every account; others are the account's clones).</summary>
    public const string PremadeCategory = "premade";

    private const int MaxErrorDetailChars = 300;

    private readonly HttpClient _http;
    private readonly ElevenLabsOptions _options;

    /// <summary>Creates the client.</summary>
    public ElevenLabsVoiceClient(HttpClient http, IOptions<ElevenLabsOptions> options)
    {
        _http = http;
        _options = options.Value;
    }

    /// <summary>True when an API key is configured.</summary>
    public bool IsConfigured => _options.IsConfigured;

    /// <summary>Creates an instant voice clone from one sample; returns the provider voice id.</summary>
    /// <exception cref="TextToSpeechException">Not configured, refused, or no voice id in the answer.</exception>
    public async Task<string> AddVoiceAsync(string name, string? description, ReadOnlyMemory<byte> sample, AudioFileKind kind, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(name), "name");
        var file = new ReadOnlyMemoryContent(sample);
        file.Headers.ContentType = new MediaTypeHeaderValue(AudioFileSniffer.ContentTypeOf(kind));
        form.Add(file, "files", "sample." + AudioFileSniffer.ExtensionOf(kind));
        if (!string.IsNullOrWhiteSpace(description))
        {
            form.Add(new StringContent(description), "description");
        }

        using var response = await SendAsync(HttpMethod.Post, "v1/voices/add", form, cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return json.RootElement.TryGetProperty("voice_id", out var id) && id.GetString() is { Length: > 0 } voiceId
            ? voiceId
            : throw new TextToSpeechException("elevenlabs", "ElevenLabs accepted the clone but returned no voice_id.");
    }

    /// <summary>Deletes a provider voice; a voice that is already gone counts as deleted.</summary>
    public async Task DeleteVoiceAsync(string voiceId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, "v1/voices/" + Uri.EscapeDataString(voiceId), null, cancellationToken, allowNotFound: true).ConfigureAwait(false);
    }

    /// <summary>The account's voices (live fetch); each voice's ElevenLabs <c>category</c> is in <see cref="CatalogVoice.Note"/>.</summary>
    public async Task<IReadOnlyList<CatalogVoice>> ListVoicesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1/voices", null, cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var voices = new List<CatalogVoice>();
        if (json.RootElement.TryGetProperty("voices", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var voice in list.EnumerateArray())
            {
                var id = voice.TryGetProperty("voice_id", out var v) ? v.GetString() : null;
                if (string.IsNullOrEmpty(id))
                {
                    continue;
                }

                string? Label(string label) =>
                    voice.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                    && labels.TryGetProperty(label, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                voices.Add(new CatalogVoice(
                    "elevenlabs",
                    id,
                    voice.TryGetProperty("name", out var n) ? n.GetString() ?? id : id,
                    Label("language"),
                    Label("gender"),
                    voice.TryGetProperty("category", out var c) ? c.GetString() : null));
            }
        }

        return voices;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        if (!IsConfigured)
        {
            throw new TextToSpeechException("elevenlabs", "ElevenLabs is not configured: set ElevenLabs__ApiKey.");
        }

        using var request = new HttpRequestMessage(method, new Uri(_options.BaseUrl, path)) { Content = content };
        request.Headers.Add("xi-api-key", _options.ApiKey);
        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == System.Net.HttpStatusCode.NotFound))
        {
            return response;
        }

        var status = (int)response.StatusCode;
        // The error detail is for the operator's log (the callers of our API never see it); bounded, one line.
        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        response.Dispose();
        detail = detail.Length > MaxErrorDetailChars ? detail[..MaxErrorDetailChars] + "…" : detail;
        throw new TextToSpeechException("elevenlabs",
            $"ElevenLabs answered {method} /{path} with HTTP {status}: {detail.ReplaceLineEndings(" ")}", status);
    }
}
