using System.Buffers;
using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Acs.Media;

/// <summary>
/// Reads and writes the ACS bidirectional media-streaming messages (PROTOCOL.md §5): inbound <c>AudioMetadata</c>,
/// <c>AudioData</c>, <c>DtmfData</c>; outbound <c>AudioData</c> and <c>StopAudio</c> in the documented PascalCase form.
/// </summary>
public static partial class AcsMediaStreamCodec
{
    /// <summary>Parses one inbound text frame. Throws <see cref="AcsMediaFormatException"/> when it is malformed.</summary>
    public static AcsInboundMessage Parse(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException("AcsMediaStreamCodec.Parse is being implemented.");

    /// <summary>Writes <c>{"Kind":"AudioData","AudioData":{"Data":"&lt;base64&gt;"},"StopAudio":null}</c> for <paramref name="pcm"/>; returns the bytes written.</summary>
    public static int WriteAudioData(ReadOnlySpan<byte> pcm, IBufferWriter<byte> output) => throw new NotImplementedException("AcsMediaStreamCodec.WriteAudioData is being implemented.");

    /// <summary>The UTF-8 bytes of <c>{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}</c>.</summary>
    public static ReadOnlyMemory<byte> StopAudio => throw new NotImplementedException("AcsMediaStreamCodec.StopAudio is being implemented.");
}
