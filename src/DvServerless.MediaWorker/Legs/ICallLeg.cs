using System.Threading.Channels;
using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The transport toward the caller (ACS media stream, browser socket): caller audio in, agent audio out, and
/// "stop playback now". A leg is the transport layer only; the <see cref="Calls.CallLoop"/> is the application on top.
/// </summary>
/// <remarks>
/// <see cref="SendAudioAsync"/>, <see cref="StopAudioAsync"/> and <see cref="CloseAsync"/> are called by one caller at a
/// time (the call loop); the leg serialises what it writes to its transport itself.
/// </remarks>
public interface ICallLeg : IAsyncDisposable
{
    /// <summary>
    /// Starts the leg and completes when the caller's audio format is known (for ACS: the first frame's
    /// <c>AudioMetadata</c>). Returns <see langword="null"/> when the leg closed before any media arrived.
    /// </summary>
    ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Caller audio in the leg's format, one pooled buffer per frame; the reader owns (and must dispose) each item.
    /// Completes when the leg closes.
    /// </summary>
    ChannelReader<PooledAudio> Inbound { get; }

    /// <summary>
    /// Keys the caller pressed (DTMF: <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>), in order, for legs that
    /// carry them (ACS media streaming with <c>enableDtmfTones</c>); null for legs that cannot.
    /// </summary>
    ChannelReader<char>? Keypresses => null;

    /// <summary>Queues agent audio (in the leg's format) for the caller. The bytes are copied before this returns.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the far end to stop playing now. Jumps ahead of, and discards, agent audio queued before the call;
    /// audio sent after it is played normally.
    /// </summary>
    ValueTask StopAudioAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes the leg normally (the call is over). <see cref="Inbound"/> completes at once: caller audio after this
    /// point is of no use. Idempotent.
    /// </summary>
    ValueTask CloseAsync(CancellationToken cancellationToken);
}
