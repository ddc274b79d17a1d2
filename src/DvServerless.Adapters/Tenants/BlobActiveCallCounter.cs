using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// <see cref="IActiveCallCounter"/> that counts, from the session documents in Blob container <c>sessions</c>
/// (<c>{callId}.json</c>, see <c>BlobCallSessionStore</c>), each tenant's sessions whose <c>state</c> is not final
/// (<c>ended</c>/<c>failed</c>). Because the count is derived from stored state, calls that end, fail, or whose worker
/// dies free their slot without any decrement.
/// </summary>
/// <remarks>
/// Bounds: one count of all tenants is cached for <see cref="ActiveCallCounterOptions.CacheDuration"/> (1 s), so a
/// call that starts or ends is seen at most that late. A refresh lists the container with metadata (one request per
/// 5,000 blobs): documents written by <c>BlobCallSessionStore</c> carry tenant and state there and are never downloaded;
/// older documents are downloaded only when their ETag changed since the last refresh; documents older than
/// <see cref="ActiveCallCounterOptions.StaleAfter"/> are skipped without reading, which also stops a session whose
/// process died before recording its end from holding a slot for longer than that.
/// </remarks>
public sealed partial class BlobActiveCallCounter : IActiveCallCounter, IDisposable
{
    private readonly BlobContainerClient _container;
    private readonly ActiveCallCounterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BlobActiveCallCounter> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly ConcurrentDictionary<string, SessionSummary> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Reservation> _reserved = new(StringComparer.Ordinal);
    private Snapshot? _snapshot;

    /// <summary>Creates the counter over the sessions container.</summary>
    public BlobActiveCallCounter(BlobContainerClient sessions, ActiveCallCounterOptions options, TimeProvider timeProvider, ILogger<BlobActiveCallCounter> logger)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _container = sessions;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Releases the refresh lock.</summary>
    public void Dispose() => _refresh.Dispose();

    /// <inheritdoc />
    public async ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var pending = 0;
        foreach (var (callId, reservation) in _reserved)
        {
            if (snapshot.Listed.Contains(callId + ".json") || now - reservation.At > _options.ReservationLifetime)
            {
                // The stored sessions show it now (counted above), or its session was never written.
                _reserved.TryRemove(callId, out _);
            }
            else if (string.Equals(reservation.TenantId, tenantId, StringComparison.Ordinal))
            {
                pending++;
            }
        }

        return snapshot.Counts.GetValueOrDefault(tenantId) + pending;
    }

    /// <inheritdoc />
    public void Reserve(string tenantId, string callId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        _reserved[callId] = new Reservation(tenantId, _time.GetUtcNow());
    }

    private async ValueTask<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _snapshot);
        if (current is not null && _time.GetUtcNow() - current.TakenAt < _options.CacheDuration)
        {
            return current;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            current = Volatile.Read(ref _snapshot);
            if (current is not null && _time.GetUtcNow() - current.TakenAt < _options.CacheDuration)
            {
                return current;
            }

            var fresh = await TakeSnapshotAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _snapshot, fresh);
            return fresh;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Snapshot> TakeSnapshotAsync(CancellationToken cancellationToken)
    {
        var takenAt = _time.GetUtcNow();
        var staleBefore = takenAt - _options.StaleAfter;
        var toRead = new List<(string Name, ETag ETag)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
            {
                if (!item.Name.EndsWith(".json", StringComparison.Ordinal)
                    || item.Properties.LastModified is not { } modified || modified < staleBefore
                    || item.Properties.ETag is not { } etag)
                {
                    continue;
                }

                seen.Add(item.Name);
                if (_known.TryGetValue(item.Name, out var known) && known.ETag == etag)
                {
                    continue;
                }

                // The listing's metadata carries tenant and state (written with every update of the document), so an
                // indexed document is counted without downloading it; older documents are read.
                if (SessionIndexMetadata.TryRead(item.Metadata, out var index))
                {
                    _known[item.Name] = new SessionSummary(etag, index.TenantId, !CallStateMachine.IsFinal(index.State));
                }
                else
                {
                    toRead.Add((item.Name, etag));
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No sessions container yet: no calls.
        }

        var vanished = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            toRead,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxParallelReads), CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                var summary = await ReadSummaryAsync(blob.Name, blob.ETag, token).ConfigureAwait(false);
                if (summary is null)
                {
                    _known.TryRemove(blob.Name, out _);
                    vanished.Add(blob.Name);
                }
                else
                {
                    _known[blob.Name] = summary;
                }
            }).ConfigureAwait(false);

        seen.ExceptWith(vanished);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, summary) in _known)
        {
            if (!seen.Contains(name))
            {
                // Deleted or gone stale: forget it so the cache does not grow without bound.
                _known.TryRemove(name, out _);
                continue;
            }

            if (summary.Active)
            {
                // Calls of no tenant have a limit of their own (Tenants:UnroutedMaxConcurrentCalls).
                var key = summary.TenantId ?? CallCapacityPolicy.UnroutedCounterKey;
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        LogCounted(seen.Count, toRead.Count);
        return new Snapshot(takenAt, counts, seen);
    }

    // Keyed by the listing's ETag, not the download's: the two can differ in form (quoted or not), and a mismatch would
    // make every refresh read the document again. A change after the listing shows as a new ETag at the next one.
    private async Task<SessionSummary?> ReadSummaryAsync(string name, ETag listedETag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(response.Value.Content.ToMemory());
            var root = document.RootElement;
            var tenant = root.TryGetProperty("tenantId", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var state = root.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new SessionSummary(listedETag, tenant, !IsFinal(state));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            LogUnreadable(name);
            return null;
        }
    }

    // An unknown or missing state counts as active: a slot is better held than leaked.
    private static bool IsFinal(string? state) => Enum.TryParse<CallState>(state, ignoreCase: true, out var parsed) && CallStateMachine.IsFinal(parsed);

    [LoggerMessage(EventId = 5221, Level = LogLevel.Debug, Message = "Counted active calls over {Sessions} recent session documents ({Read} read).")]
    private partial void LogCounted(int sessions, int read);

    [LoggerMessage(EventId = 5222, Level = LogLevel.Warning, Message = "Session document {Name} is not valid JSON; not counted.")]
    private partial void LogUnreadable(string name);

    private sealed record SessionSummary(ETag ETag, string? TenantId, bool Active);

    /// <summary>One count of all tenants.</summary>
    /// <param name="TakenAt">When the listing started.</param>
    /// <param name="Counts">Non-final sessions per tenant.</param>
    /// <param name="Listed">The session documents the listing saw (final ones included): a reserved call in it is counted already.</param>
    private sealed record Snapshot(DateTimeOffset TakenAt, Dictionary<string, int> Counts, HashSet<string> Listed);

    private sealed record Reservation(string TenantId, DateTimeOffset At);
}
