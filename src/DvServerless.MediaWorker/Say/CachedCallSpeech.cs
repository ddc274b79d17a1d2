using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Say;

/// <summary>
/// <see cref="ICallSpeech"/> through the TTS prompt cache, in the voice of the call's agent (<see cref="CallSpeechVoice"/>):
/// text said before (a broadcast to many calls, a repeated announcement) is a cache hit, not another synthesis, and the
/// cache key carries the provider, voice, model and voice options, so two agents never share an entry they would not
/// both say.
/// </summary>
public sealed class CachedCallSpeech : ICallSpeech
{
    private readonly BlobTtsCache _cache;
    private readonly Dictionary<string, ITextToSpeech> _providers;
    private readonly TtsWarmupOptions _warmup;
    private readonly AgentCatalog? _agents;

    /// <summary>Creates the speech source; without <paramref name="agents"/> every call speaks as the default agent.</summary>
    public CachedCallSpeech(BlobTtsCache cache, IEnumerable<ITextToSpeech> providers, IOptions<TtsWarmupOptions> warmup, AgentCatalog? agents = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(warmup);
        _cache = cache;
        _providers = providers.GroupBy(p => p.Provider, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        _warmup = warmup.Value;
        _agents = agents;
    }

    /// <inheritdoc />
    public async Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
    {
        // An id the catalog does not hold (the agent was removed since the call started) speaks as the default agent.
        var agent = _agents is not null && _agents.Contains(agentId) ? _agents.For(agentId) : null;
        var prompt = CallSpeechVoice.Prompt(text, voice, agent, _agents?.For(null) ?? new Core.Engines.AgentOptions(), _warmup.DefaultProvider);
        var provider = prompt.Provider ?? _warmup.DefaultProvider;
        if (!_providers.TryGetValue(provider, out var tts))
        {
            throw new CallSpeechUnavailableException($"No TTS provider named '{provider}'.");
        }

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
