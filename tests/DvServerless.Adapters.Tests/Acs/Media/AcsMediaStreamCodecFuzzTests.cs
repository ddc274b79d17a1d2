using DvServerless.Adapters.Acs.Media;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.Acs.Media;

/// <summary>
/// Hostile ACS media frames: <see cref="AcsMediaStreamCodec.Parse"/> answers a message or
/// <see cref="AcsMediaFormatException"/> (the leg closes the socket with a logged reason), never another exception, and
/// allocates in proportion to the frame.
/// </summary>
public sealed class AcsMediaStreamCodecFuzzTests
{
    private static readonly string[] Frames =
    [
        """{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"89e8cb59","encoding":"PCM","sampleRate":24000,"channels":1,"length":960}}""",
        """{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00.000Z","participantRawID":"4:+14255550123","data":"AAAAAAAAAAA=","silent":false}}""",
        """{"kind":"AudioData","audioData":{"data":"AAEC\u002BAw==","silent":true}}""",
        """{"kind":"DtmfData","dtmfData":{"data":"5","participantRawID":"4:+1","timestamp":"2024-05-01T12:00:00Z"}}""",
        """{"kind":"TranscriptionData","transcriptionData":{"text":"hi"}}""",
        """{"kind":"SomethingNew","x":[1,2]}""",
    ];

    [Fact]
    public void Frames_fail_only_with_AcsMediaFormatException_and_bounded_allocation()
    {
        Fuzz.Check(HostileJson.Variants(Frames), frame =>
            Fuzz.WithinAllocation(Fuzz.LinearBound(frame.Length), () =>
                Fuzz.Fails(() => AcsMediaStreamCodec.Parse(frame).Dispose(), typeof(AcsMediaFormatException))),
            HostileJson.Print);
    }
}
