using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// <see cref="IActiveCallCounter"/> that counts each tenant's open sessions from the open-session markers
/// <c>BlobCallSessionStore</c> keeps in Blob container <c>sessions</c> (<see cref="SessionIndexBlobs.OpenPrefix"/>, one per
/// session that is not <c>ended</c>/<c>failed</c>, carrying tenant and state as metadata). Because the count is derived
/// from stored state, calls that end, fail, or whose worker dies free their slot without any decrement.
/// </summary>
/// <remarks>
/// Bounds: one count of all tenants is cached for <see cref="ActiveCallCounterOptions.CacheDuration"/> (1 s), so a
/// call that starts or ends is seen at most that late. A refresh lists only the open-session markers with their metadata
/// (one request per 5,000 open calls) and downloads nothing, however many sessions are stored. A marker older than
/// <see cref="ActiveCallCounterOptions.StaleAfter"/> (it is rewritten with every update of its session) is skipped, which
/// stops a session whose process died before recording its end from holding a slot for longer than that.
/// </remarks>
public sealed partial class BlobActiveCallCounter : IActiveCallCounter, IDisposable
{
    private readonly BlobContainerClient _container;
    private readonly ActiveCallCounterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BlobActiveCallCounter> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
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
            if (snapshot.Listed.Contains(callId) || now - reservation.At > _options.ReservationLifetime)
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
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var marker in OpenSessionMarkers.ListAsync(_container, cancellationToken).ConfigureAwait(false))
        {
            if (marker.LastModified is not { } modified || modified < staleBefore)
            {
                continue;
            }

            listed.Add(marker.CallId);
            // A marker is deleted when its session ends; one read without an index (or final) is left over from a
            // failed write and does not count. Calls of no tenant have a limit of their own.
            if (marker.Index is { } index && !CallStateMachine.IsFinal(index.State))
            {
                var key = index.TenantId ?? CallCapacityPolicy.UnroutedCounterKey;
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        LogCounted(listed.Count);
        return new Snapshot(takenAt, counts, listed);
    }

    [LoggerMessage(EventId = 5221, Level = LogLevel.Debug, Message = "Counted active calls over {Open} open sessions.")]
    private partial void LogCounted(int open);

    /// <summary>One count of all tenants.</summary>
    /// <param name="TakenAt">When the listing started.</param>
    /// <param name="Counts">Open sessions per tenant.</param>
    /// <param name="Listed">The call ids of the open sessions the listing saw: a reserved call among them is counted already.</param>
    private sealed record Snapshot(DateTimeOffset TakenAt, Dictionary<string, int> Counts, HashSet<string> Listed);

    private sealed record Reservation(string TenantId, DateTimeOffset At);
}
