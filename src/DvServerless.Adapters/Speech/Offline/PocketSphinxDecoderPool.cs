using System.Collections.Concurrent;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// Keeps a few loaded decoders so a new call does not wait ≈ 0.26 s for the models; new ones are loaded on the thread
/// pool, never on a caller's audio path.
/// </summary>
internal sealed class PocketSphinxDecoderPool : IDisposable
{
    private readonly ConcurrentQueue<PocketSphinxDecoder> _idle = new();
    private readonly PocketSphinxModelPaths _paths;
    private readonly int _maxIdle;
    private readonly TimeProvider _time;
    private int _idleCount;
    private bool _disposed;

    public PocketSphinxDecoderPool(PocketSphinxModelPaths paths, int maxIdle, TimeProvider time)
    {
        _paths = paths;
        _maxIdle = maxIdle;
        _time = time;
    }

    /// <summary>How long the last decoder took to load.</summary>
    public TimeSpan LastLoadDuration { get; private set; }

    /// <summary>The CPU time the last decoder took to load, when the platform can tell.</summary>
    public TimeSpan? LastLoadCpuDuration { get; private set; }

    /// <summary>Decoders waiting in the pool.</summary>
    public int IdleCount => Volatile.Read(ref _idleCount);

    /// <summary>An idle decoder, or a newly loaded one.</summary>
    public async Task<PocketSphinxDecoder> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var decoder))
        {
            Interlocked.Decrement(ref _idleCount);
            return decoder;
        }

        return await Task.Run(Load, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives a decoder back; it is freed when the pool is full or the decoder is mid-utterance.</summary>
    public void Return(PocketSphinxDecoder decoder)
    {
        if (_disposed || decoder.InUtterance)
        {
            decoder.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            decoder.Dispose();
            return;
        }

        _idle.Enqueue(decoder);
        if (_disposed)
        {
            // Disposed while this one was being queued: do not leave it loaded.
            Dispose();
        }
    }

    /// <summary>Loads decoders until <paramref name="count"/> are idle (at most the pool's size).</summary>
    public async Task WarmUpAsync(int count, CancellationToken cancellationToken)
    {
        while (IdleCount < Math.Min(count, _maxIdle))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Return(await Task.Run(Load, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var decoder))
        {
            decoder.Dispose();
        }
    }

    private PocketSphinxDecoder Load()
    {
        var started = _time.GetTimestamp();
        var cpuStarted = ThreadCpuClock.Now();
        var decoder = PocketSphinxDecoder.Create(_paths);
        LastLoadDuration = _time.GetElapsedTime(started);
        LastLoadCpuDuration = ThreadCpuClock.Now() - cpuStarted;
        return decoder;
    }
}
