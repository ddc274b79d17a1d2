using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The TTS prompt cache in Blob storage: container <c>tts-cache</c>, one blob <c>entries/{tenant}/{key}.pcm</c> per
/// prompt (PCM16 at the key's rate) with <c>createdat</c> / <c>lasthitat</c> metadata (Unix milliseconds). Entries
/// expire <see cref="TtsCachePolicy.TimeToLive"/> after creation; after each store the tenant is trimmed to
/// <see cref="TtsCachePolicy.MaxEntries"/> by least-recent hit. Concurrent misses for one key in this process
/// synthesize once (single flight); counters are per tenant and per process.
/// </summary>
public sealed partial class BlobTtsCache
{
    private const string CreatedAtKey = "createdat";
    private const string LastHitAtKey = "lasthitat";

    private readonly LazyBlobContainer _container;
    private readonly TtsCachePolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<BlobTtsCache> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counters> _counters = new(StringComparer.Ordinal);

    /// <summary>Creates the cache over <paramref name="container"/> (created on first use).</summary>
    public BlobTtsCache(BlobContainerClient container, TtsCachePolicy policy, TimeProvider time, ILogger<BlobTtsCache> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
        _policy = policy ?? new TtsCachePolicy();
        _time = time;
        _logger = logger;
    }

    /// <summary>The policy in force.</summary>
    public TtsCachePolicy Policy => _policy;

    /// <summary>Returns the cached audio for <paramref name="request"/> or synthesizes it with <paramref name="tts"/> and stores it.</summary>
    /// <exception cref="TextToSpeechException">A miss and the provider failed (nothing is stored).</exception>
    public async Task<TtsCacheResult> GetOrSynthesizeAsync(string tenantId, ITextToSpeech tts, TtsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tts);
        ArgumentNullException.ThrowIfNull(request);
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var key = TtsCacheKey.Compute(tts.Provider, request, tts.DefaultModel);
        var counters = CountersOf(tenantId);

        var cached = await TryReadAsync(tenantId, key, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            Interlocked.Increment(ref counters.Hits);
            return new TtsCacheResult(cached, key, Hit: true);
        }

        var flightKey = tenantId + "/" + key;
        var flight = _inFlight.GetOrAdd(flightKey, _ => new Lazy<Task<byte[]>>(() => SynthesizeAndStoreAsync(tenantId, key, tts, request)));
        try
        {
            // The miss is counted once, inside the flight: callers that joined it did not cause a synthesis.
            var pcm = await flight.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new TtsCacheResult(pcm, key, Hit: false);
        }
        finally
        {
            if (flight.IsValueCreated && flight.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<byte[]>>>(flightKey, flight));
            }
        }
    }

    /// <summary>Whether a fresh entry exists for <paramref name="request"/> spoken by <paramref name="tts"/> (does not count as a hit).</summary>
    public async Task<bool> IsFreshAsync(string tenantId, ITextToSpeech tts, TtsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tts);
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var key = TtsCacheKey.Compute(tts.Provider, request, tts.DefaultModel);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var properties = await container.GetBlobClient(EntryName(tenantId, key)).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return _policy.IsFresh(ReadTime(properties.Value.Metadata, CreatedAtKey, properties.Value.CreatedOn), _time.GetUtcNow());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Deletes the tenant's expired entries and the least recently used beyond the maximum; returns how many went.</summary>
    public async Task<int> SweepAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var entries = await ListAsync(container, tenantId, cancellationToken).ConfigureAwait(false);
        var evicted = 0;
        foreach (var entry in _policy.SelectEvictions(entries, _time.GetUtcNow()))
        {
            var response = await container.GetBlobClient(EntryName(tenantId, entry.Key))
                .DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.Value)
            {
                evicted++;
            }
        }

        if (evicted > 0)
        {
            Interlocked.Add(ref CountersOf(tenantId).Evictions, evicted);
            LogEvicted(tenantId, evicted);
        }

        return evicted;
    }

    /// <summary>The tenant's hit/miss/eviction counters (this process, since start) and its stored entry count.</summary>
    public async Task<TtsCacheStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var entries = await ListAsync(container, tenantId, cancellationToken).ConfigureAwait(false);
        var counters = CountersOf(tenantId);
        return new TtsCacheStatistics(tenantId, Interlocked.Read(ref counters.Hits), Interlocked.Read(ref counters.Misses), Interlocked.Read(ref counters.Evictions), entries.Count);
    }

    /// <summary>The blob name of an entry.</summary>
    public static string EntryName(string tenantId, string key) => $"entries/{tenantId}/{key}.pcm";

    private async Task<byte[]?> TryReadAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(EntryName(tenantId, key));
        BlobDownloadResult download;
        try
        {
            download = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var metadata = download.Details.Metadata;
        if (!_policy.IsFresh(ReadTime(metadata, CreatedAtKey, download.Details.CreatedOn), now))
        {
            return null;
        }

        if (now - ReadTime(metadata, LastHitAtKey, download.Details.CreatedOn) >= _policy.LastHitResolution)
        {
            var updated = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase) { [LastHitAtKey] = FormatTime(now) };
            try
            {
                // Guarded by the ETag: a concurrent re-synthesis wins, and a lost last-hit update only costs LRU precision.
                await blob.SetMetadataAsync(updated, new BlobRequestConditions { IfMatch = download.Details.ETag }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
            }
        }

        return download.Content.ToArray();
    }

    private async Task<byte[]> SynthesizeAndStoreAsync(string tenantId, string key, ITextToSpeech tts, TtsRequest request)
    {
        // A caller can miss just before an earlier flight writes the entry and join only after that flight is gone: look
        // again inside the flight. A flight completes only after its write, so this sees the entry and nothing is
        // synthesized twice.
        var stored = await TryReadAsync(tenantId, key, CancellationToken.None).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored; // Counted like a caller that joined a flight: it caused no synthesis.
        }

        // Not tied to the first caller's token: others may be waiting on this flight.
        Interlocked.Increment(ref CountersOf(tenantId).Misses);
        LogMiss(tenantId, tts.Provider, key);
        var pcm = await tts.SynthesizeAsync(request, CancellationToken.None).ConfigureAwait(false);
        var container = await _container.GetAsync(CancellationToken.None).ConfigureAwait(false);
        var now = FormatTime(_time.GetUtcNow());
        await container.GetBlobClient(EntryName(tenantId, key)).UploadAsync(
            new BinaryData(pcm),
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "audio/L16; rate=" + request.OutputFormat.SampleRate.ToString(CultureInfo.InvariantCulture) },
                Metadata = new Dictionary<string, string>
                {
                    [CreatedAtKey] = now,
                    [LastHitAtKey] = now,
                    ["provider"] = tts.Provider,
                    ["samplerate"] = request.OutputFormat.SampleRate.ToString(CultureInfo.InvariantCulture),
                },
            },
            CancellationToken.None).ConfigureAwait(false);
        await SweepAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
        return pcm;
    }

    private static async Task<List<TtsCacheEntryInfo>> ListAsync(BlobContainerClient container, string tenantId, CancellationToken cancellationToken)
    {
        var prefix = $"entries/{tenantId}/";
        var entries = new List<TtsCacheEntryInfo>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var created = item.Properties.CreatedOn ?? DateTimeOffset.UnixEpoch;
            var key = item.Name[prefix.Length..^".pcm".Length];
            entries.Add(new TtsCacheEntryInfo(
                key,
                ReadTime(item.Metadata, CreatedAtKey, created),
                ReadTime(item.Metadata, LastHitAtKey, created),
                item.Properties.ContentLength ?? 0));
        }

        return entries;
    }

    private static DateTimeOffset ReadTime(IDictionary<string, string>? metadata, string name, DateTimeOffset? fallback)
    {
        // Entry times come from the injected clock (metadata), not the server, so TTL and LRU follow TimeProvider.
        if (metadata is not null && metadata.TryGetValue(name, out var text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return fallback ?? DateTimeOffset.UnixEpoch;
    }

    private static string FormatTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private Counters CountersOf(string tenantId) => _counters.GetOrAdd(tenantId, _ => new Counters());

    private sealed class Counters
    {
        public long Hits;
        public long Misses;
        public long Evictions;
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug, Message = "TTS cache miss for tenant {TenantId} ({Provider}, key {Key}); synthesizing.")]
    private partial void LogMiss(string tenantId, string provider, string key);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "Evicted {Count} TTS cache entries of tenant {TenantId}.")]
    private partial void LogEvicted(string tenantId, int count);
}
