using DvServerless.Core.Audio;
using System.Buffers;

namespace DvServerless.Core.Engines;

/// <summary>
/// A piece of agent audio (arbitrary length, not frame-aligned) in the engine's format.
/// </summary>
/// <remarks>
/// <para>
/// Engines on the hot path hand out <em>pooled</em> deltas (<see cref="Rent"/>): the instance comes from a small pool
/// and its audio lives in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, so a 20 ms delta costs no allocation.
/// The rule for whoever consumes engine events (the call loop, the SIP sideband, a decorator engine that replaces the
/// delta): call <see cref="Release"/> exactly once, when the audio has been copied or played, and never read the delta
/// after that: the instance and its buffer go back to their pools and carry the next delta.
/// </para>
/// <para>
/// A consumer that forgets to release corrupts nothing: that delta is just not returned and the garbage collector
/// takes it. A second release does nothing until the instance is rented again (after which it would release the new
/// rental: hence exactly once). A <c>with</c> copy is unpooled and owns a copy of the audio. Deltas made with the
/// constructor are not pooled;
/// <see cref="Release"/> on them does nothing, so producers that are not on the hot path (the cascaded engine, tests)
/// need no change.
/// </para>
/// </remarks>
public sealed record AgentAudioDelta : EngineEvent
{
    private byte[]? _buffer;
    private int _leased;

    /// <summary>An unpooled delta over <paramref name="audio"/>, which the caller must not change while the delta is used.</summary>
    public AgentAudioDelta(string responseId, string itemId, int contentIndex, ReadOnlyMemory<byte> audio)
    {
        ResponseId = responseId;
        ItemId = itemId;
        ContentIndex = contentIndex;
        Audio = audio;
    }

    private AgentAudioDelta()
    {
        ResponseId = string.Empty;
        ItemId = string.Empty;
    }

    /// <summary>
    /// A copy made by a <c>with</c> expression: unpooled, with its own copy of the audio, so the copy and the original
    /// never share a pooled buffer (which would be returned twice).
    /// </summary>
    private AgentAudioDelta(AgentAudioDelta original)
        : base(original)
    {
        ResponseId = original.ResponseId;
        ItemId = original.ItemId;
        ContentIndex = original.ContentIndex;
        Audio = original.Audio.ToArray();
    }

    /// <summary>The response the audio belongs to.</summary>
    public string ResponseId { get; private set; }

    /// <summary>The conversation item the audio belongs to.</summary>
    public string ItemId { get; private set; }

    /// <summary>The content part of the item.</summary>
    public int ContentIndex { get; private set; }

    /// <summary>The audio bytes; empty once a pooled delta was released.</summary>
    public ReadOnlyMemory<byte> Audio { get; private set; }

    /// <summary>True for a delta from <see cref="Rent"/> that has not been released yet.</summary>
    public bool IsPooled => Volatile.Read(ref _leased) != 0;

    /// <summary>
    /// A pooled delta with room for <paramref name="capacity"/> bytes of audio, all of which <see cref="Audio"/> shows
    /// until <see cref="SetAudioLength"/> trims it. The producer fills <see cref="WritableAudio"/> before it publishes
    /// the delta; the consumer calls <see cref="Release"/> exactly once.
    /// </summary>
    public static AgentAudioDelta Rent(string responseId, string itemId, int contentIndex, int capacity)
    {
        ArgumentNullException.ThrowIfNull(responseId);
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var delta = AgentAudioDeltaPool.TryTake() ?? new AgentAudioDelta();
        var buffer = PooledBuffers.Rent(Math.Max(1, capacity));
        delta._buffer = buffer;
        delta.ResponseId = responseId;
        delta.ItemId = itemId;
        delta.ContentIndex = contentIndex;
        delta.Audio = buffer.AsMemory(0, capacity);
        Volatile.Write(ref delta._leased, 1);
        return delta;
    }

    /// <summary>A pooled delta holding a copy of <paramref name="audio"/> (see <see cref="Rent"/>).</summary>
    public static AgentAudioDelta RentCopy(string responseId, string itemId, int contentIndex, ReadOnlySpan<byte> audio)
    {
        var delta = Rent(responseId, itemId, contentIndex, audio.Length);
        audio.CopyTo(delta.WritableAudio);
        return delta;
    }

    /// <summary>The audio of a pooled delta, for its producer (or the consumer that owns it) to fill or change in place.</summary>
    /// <exception cref="InvalidOperationException">The delta is not pooled or was released.</exception>
    public Span<byte> WritableAudio => _buffer is { } buffer && IsPooled
        ? buffer.AsSpan(0, Audio.Length)
        : throw new InvalidOperationException("Only a pooled delta that has not been released can be written.");

    /// <summary>Trims a pooled delta's audio to its first <paramref name="length"/> bytes (what the producer wrote).</summary>
    /// <exception cref="InvalidOperationException">The delta is not pooled or was released.</exception>
    public void SetAudioLength(int length)
    {
        if (_buffer is not { } buffer || !IsPooled)
        {
            throw new InvalidOperationException("Only a pooled delta that has not been released can be trimmed.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Audio.Length);
        Audio = buffer.AsMemory(0, length);
    }

    /// <summary>
    /// Gives a pooled delta's buffer and instance back to their pools; the delta must not be read afterwards. Call it
    /// exactly once per delta received; a call on an unpooled delta, or a second call before the instance is rented
    /// again, does nothing.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _leased, 0) == 0)
        {
            return;
        }

        var buffer = _buffer;
        _buffer = null;
        Audio = ReadOnlyMemory<byte>.Empty;
        ResponseId = string.Empty;
        ItemId = string.Empty;
        ContentIndex = 0;
        if (buffer is not null)
        {
            PooledBuffers.Return(buffer);
        }

        AgentAudioDeltaPool.Return(this);
    }
}
