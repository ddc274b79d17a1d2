using Azure;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// Keeps a tenant's prompts (greeting, hold, goodbye …) fresh in the <see cref="BlobTtsCache"/>: prompts already fresh
/// are skipped, the others synthesized, failures reported per prompt. Used by the <c>TtsCacheWarmup</c> timer,
/// <c>POST /api/v1/tts-cache/warmup</c> and the local background loop.
/// </summary>
public sealed partial class TtsWarmupService
{
    private readonly BlobTtsCache _cache;
    private readonly Dictionary<string, ITextToSpeech> _providers;
    private readonly BlobContainerClient _promptContainer;
    private readonly TtsWarmupOptions _options;
    private readonly ILogger<TtsWarmupService> _logger;

    /// <summary>Creates the service; <paramref name="promptContainer"/> is the <c>tts-cache</c> container holding <c>prompts/{tenant}.json</c>.</summary>
    public TtsWarmupService(BlobTtsCache cache, IEnumerable<ITextToSpeech> providers, BlobContainerClient promptContainer, IOptions<TtsWarmupOptions> options, ILogger<TtsWarmupService> logger)
    {
        _cache = cache;
        _providers = providers.ToDictionary(p => p.Provider, StringComparer.OrdinalIgnoreCase);
        _promptContainer = promptContainer;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The tenants that have a configured prompt list.</summary>
    public IReadOnlyCollection<string> ConfiguredTenants => _options.Tenants.Keys;

    /// <summary>The tenant's prompts: configuration first, then the Blob list (a Blob prompt replaces a configured one of the same name).</summary>
    public async Task<IReadOnlyList<TtsPrompt>> GetPromptsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var prompts = new Dictionary<string, TtsPrompt>(StringComparer.Ordinal);
        if (_options.Tenants.TryGetValue(tenantId, out var configured))
        {
            foreach (var prompt in configured)
            {
                prompts[prompt.Name] = prompt;
            }
        }

        try
        {
            var content = (await _promptContainer.GetBlobClient($"prompts/{tenantId}.json").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            foreach (var prompt in content.ToObjectFromJson<TtsPrompt[]>(StorageJson.Options) ?? [])
            {
                prompts[prompt.Name] = prompt;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No Blob list (or no container yet): configuration only.
        }

        return prompts.Values.ToArray();
    }

    /// <summary>Warms every prompt of <paramref name="tenantId"/>.</summary>
    public async Task<TtsWarmupReport> WarmAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var synthesized = new List<string>();
        var skipped = new List<string>();
        var failed = new List<TtsWarmupFailure>();
        foreach (var prompt in await GetPromptsAsync(tenantId, cancellationToken).ConfigureAwait(false))
        {
            var providerName = prompt.Provider ?? _options.DefaultProvider;
            if (string.IsNullOrWhiteSpace(prompt.Text))
            {
                failed.Add(new(prompt.Name, "The prompt has no text."));
                continue;
            }

            if (!_providers.TryGetValue(providerName, out var tts))
            {
                failed.Add(new(prompt.Name, $"No TTS provider named '{providerName}' is registered."));
                continue;
            }

            var request = new TtsRequest(prompt.Text, prompt.Voice ?? _options.DefaultVoice, new AudioFormat(prompt.SampleRate ?? _options.DefaultSampleRate), prompt.Model, prompt.Options);
            try
            {
                if (await _cache.IsFreshAsync(tenantId, tts, request, cancellationToken).ConfigureAwait(false))
                {
                    skipped.Add(prompt.Name);
                    continue;
                }

                await _cache.GetOrSynthesizeAsync(tenantId, tts, request, cancellationToken).ConfigureAwait(false);
                synthesized.Add(prompt.Name);
            }
            catch (Exception e) when (e is TextToSpeechException or HttpRequestException or ArgumentException)
            {
                failed.Add(new(prompt.Name, e.Message));
            }
        }

        LogWarmed(tenantId, synthesized.Count, skipped.Count, failed.Count);
        return new TtsWarmupReport(tenantId, synthesized, skipped, failed);
    }

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "TTS warm-up of tenant {TenantId}: {Synthesized} synthesized, {Skipped} fresh, {Failed} failed.")]
    private partial void LogWarmed(string tenantId, int synthesized, int skipped, int failed);
}
