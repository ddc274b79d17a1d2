using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Hosting;

/// <summary>
/// The media workers this app hands calls to (<see cref="MediaWorkerOptions.Workers"/>): each new call goes to the next
/// in turn, and every later request about the same call (a redelivered IncomingCall, the SIP capacity check and its
/// attach) to the same one. With one URL — the Azure ingress — it is always that URL.
/// </summary>
public sealed class MediaWorkerPool
{
    /// <summary>How many calls' choices are remembered; the oldest are forgotten first.</summary>
    public const int RememberedCalls = 4096;

    private readonly IReadOnlyList<Uri> _workers;
    private readonly IReadOnlyList<Uri?> _internal;
    private readonly ConcurrentDictionary<string, Uri> _chosen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private int _next = -1;

    /// <summary>Creates the pool from the options.</summary>
    public MediaWorkerPool(IOptions<MediaWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _workers = options.Value.Workers;
        var configured = options.Value.InternalBaseUrls;
        _internal = [.. _workers.Select((worker, i) => i < configured.Count ? configured[i] : DefaultInternal(worker))];
    }

    /// <summary>
    /// The internal endpoint of <paramref name="worker"/> (one of <see cref="All"/>): configured, or the port after the
    /// public one on a loopback worker; null when this app cannot reach it.
    /// </summary>
    public Uri? InternalOf(Uri worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        for (var i = 0; i < _workers.Count; i++)
        {
            if (_workers[i] == worker)
            {
                return _internal[i];
            }
        }

        return null;
    }

    private static Uri? DefaultInternal(Uri worker) =>
        worker.IsLoopback && worker.Port < ushort.MaxValue ? new UriBuilder(worker) { Port = worker.Port + 1, Path = "/" }.Uri : null;

    /// <summary>Every worker, in configured order.</summary>
    public IReadOnlyList<Uri> All => _workers;

    /// <summary>The worker of call <paramref name="callId"/>: chosen in turn the first time, the same one after.</summary>
    public Uri For(string callId)
    {
        ArgumentNullException.ThrowIfNull(callId);
        if (_workers.Count == 1)
        {
            return _workers[0];
        }

        if (_chosen.TryGetValue(callId, out var known))
        {
            return known;
        }

        var pick = _workers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_workers.Count)];
        if (!_chosen.TryAdd(callId, pick))
        {
            // Another request for the same call chose first.
            return _chosen.TryGetValue(callId, out known) ? known : pick;
        }

        _order.Enqueue(callId);
        while (_order.Count > RememberedCalls && _order.TryDequeue(out var oldest))
        {
            _chosen.TryRemove(oldest, out _);
        }

        return pick;
    }
}
