using System.Collections.Concurrent;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>
/// The greeting from the TTS prompt cache: the tenant's <c>greeting</c> prompt (else <c>Agent:Greeting</c>) spoken by the
/// warm-up's provider and voice at the leg's rate, so the lookup hits the entry the <c>TtsCacheWarmup</c> timer keeps
/// fresh. The audio is also kept in memory, so after the first call of a tenant a greeting costs no storage round trip.
/// </summary>
public sealed partial class CachedGreeting : ICallGreeting
{
    private static readonly TimeSpan MemoryLifetime = TimeSpan.FromMinutes(10);

    private readonly BlobTtsCache _cache;
    private readonly TtsWarmupService _prompts;
    private readonly Dictionary<string, ITextToSpeech> _providers;
    private readonly ICallSessionStore _sessions;
    private readonly TtsWarmupOptions _warmup;
    private readonly GreetingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CachedGreeting> _logger;
    private readonly ConcurrentDictionary<string, (byte[] Pcm, DateTimeOffset LoadedAt)> _memory = new(StringComparer.Ordinal);

    /// <summary>Creates the greeting source.</summary>
    public CachedGreeting(BlobTtsCache cache, TtsWarmupService prompts, IEnumerable<ITextToSpeech> providers, ICallSessionStore sessions,
        IOptions<TtsWarmupOptions> warmup, IOptions<GreetingOptions> options, TimeProvider time, ILogger<CachedGreeting> logger)
    {
        _cache = cache;
        _prompts = prompts;
        _providers = providers.GroupBy(p => p.Provider, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        _sessions = sessions;
        _warmup = warmup.Value;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<GreetingAudio?> LoadAsync(string callId, AudioFormat legFormat, CancellationToken cancellationToken = default)
    {
        try
        {
            var tenant = TtsServiceCollectionExtensions.DefaultTenant;
            if (CallIdFormat.IsValid(callId) && await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false) is { TenantId: { } owner } && CallIdFormat.IsValid(owner))
            {
                tenant = owner;
            }

            return await LoadForTenantAsync(tenant, legFormat, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No greeting is better than no call: the engine still answers.
            LogGreetingFailed(e, callId);
            return null;
        }
    }

    /// <summary>The greeting of <paramref name="tenantId"/> at <paramref name="legFormat"/> (synthesized into the cache on a miss); null when it has none.</summary>
    public async Task<GreetingAudio?> LoadForTenantAsync(string tenantId, AudioFormat legFormat, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(_options.Greeting))
        {
            return null; // Off: Agent:Greeting is empty.
        }

        var prompts = await _prompts.GetPromptsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var prompt = prompts.FirstOrDefault(p => p.Name == TtsServiceCollectionExtensions.GreetingPrompt)
            ?? (string.IsNullOrWhiteSpace(_options.Greeting) ? null : new TtsPrompt(TtsServiceCollectionExtensions.GreetingPrompt, _options.Greeting.Trim()));
        if (prompt is null || string.IsNullOrWhiteSpace(prompt.Text))
        {
            return null;
        }

        var providerName = prompt.Provider ?? _warmup.DefaultProvider;
        if (!_providers.TryGetValue(providerName, out var tts))
        {
            LogNoProvider(providerName);
            return null;
        }

        // The same request the warm-up makes, at the leg's rate: same key, so a warmed entry is a hit.
        var request = TtsServiceCollectionExtensions.RequestOf(prompt, _warmup, legFormat.SampleRate);
        var memoryKey = tenantId + "/" + TtsCacheKey.Compute(tts.Provider, request, tts.DefaultModel);
        var now = _time.GetUtcNow();
        if (_memory.TryGetValue(memoryKey, out var held) && now - held.LoadedAt < MemoryLifetime)
        {
            return new GreetingAudio(prompt.Text, held.Pcm, legFormat);
        }

        var result = await _cache.GetOrSynthesizeAsync(tenantId, tts, request, cancellationToken).ConfigureAwait(false);
        _memory[memoryKey] = (result.Pcm, now);
        LogGreetingLoaded(tenantId, result.Hit, result.Pcm.Length);
        return new GreetingAudio(prompt.Text, result.Pcm, legFormat);
    }

    [LoggerMessage(EventId = 3651, Level = LogLevel.Warning, Message = "Call {CallId}: the cached greeting is unavailable; the call goes on without it.")]
    private partial void LogGreetingFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3652, Level = LogLevel.Warning, Message = "No TTS provider named '{Provider}' for the greeting.")]
    private partial void LogNoProvider(string provider);

    [LoggerMessage(EventId = 3653, Level = LogLevel.Debug, Message = "Greeting of tenant {TenantId} loaded (cache hit: {Hit}, {Bytes} bytes).")]
    private partial void LogGreetingLoaded(string tenantId, bool hit, int bytes);
}
