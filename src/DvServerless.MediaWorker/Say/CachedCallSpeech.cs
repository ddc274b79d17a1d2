using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Say;

/// <summary>
/// <see cref="ICallSpeech"/> through the TTS prompt cache and the warm-up's default provider and voice, as the greeting:
/// text said before (a broadcast to many calls, a repeated announcement) is a cache hit, not another synthesis.
/// </summary>
public sealed class CachedCallSpeech : ICallSpeech
{
    private readonly BlobTtsCache _cache;
    private readonly Dictionary<string, ITextToSpeech> _providers;
    private readonly TtsWarmupOptions _warmup;

    /// <summary>Creates the speech source.</summary>
    public CachedCallSpeech(BlobTtsCache cache, IEnumerable<ITextToSpeech> providers, IOptions<TtsWarmupOptions> warmup)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(warmup);
        _cache = cache;
        _providers = providers.GroupBy(p => p.Provider, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        _warmup = warmup.Value;
    }

    /// <inheritdoc />
    public async Task<byte[]> SpeakAsync(string tenantId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
    {
        if (!_providers.TryGetValue(_warmup.DefaultProvider, out var tts))
        {
            throw new CallSpeechUnavailableException($"No TTS provider named '{_warmup.DefaultProvider}'.");
        }

        var prompt = new TtsPrompt("say", text, string.IsNullOrWhiteSpace(voice) ? null : voice);
        var request = TtsServiceCollectionExtensions.RequestOf(prompt, _warmup, legFormat.SampleRate);
        try
        {
            return (await _cache.GetOrSynthesizeAsync(tenantId, tts, request, cancellationToken).ConfigureAwait(false)).Pcm;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new CallSpeechUnavailableException("The TTS provider or its cache failed.", e);
        }
    }
}
