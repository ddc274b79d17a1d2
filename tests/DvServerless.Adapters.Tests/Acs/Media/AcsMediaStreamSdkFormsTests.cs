using System.Text;
using DvServerless.Adapters.Acs.Media;

namespace DvServerless.Adapters.Tests.Acs.Media;

/// <summary>
/// Inbound media frames in the forms the SDK parsers take beyond the docs examples (PROTOCOL §5.2): <c>DtmfData</c> with
/// the <c>timestamp</c> and <c>participantRawID</c> the .NET SDK's <c>DtmfDataInternal</c> knows, an <c>AudioData</c>
/// whose <c>participantRawID</c> is null (js guards it), and <c>AudioMetadata</c> with fields added after the docs.
/// </summary>
public sealed class AcsMediaStreamSdkFormsTests
{
    private static AcsInboundMessage Parse(string json) => AcsMediaStreamCodec.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Dtmf_data_with_timestamp_and_participant_keeps_the_tone_and_participant()
    {
        using var message = Parse("""{"kind":"DtmfData","dtmfData":{"data":"#","timestamp":"2024-05-01T12:00:00.000Z","participantRawID":"4:+14255550123"}}""");

        Assert.Equal(AcsInboundKind.DtmfData, message.Kind);
        Assert.Equal("#", message.DtmfTone);
        Assert.Equal("4:+14255550123", message.ParticipantRawId);
    }

    [Fact]
    public void Audio_data_with_a_null_participant_keeps_its_audio()
    {
        using var message = Parse("""{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00Z","participantRawID":null,"data":"AAECAw==","silent":false}}""");

        Assert.Equal(AcsInboundKind.AudioData, message.Kind);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, message.Audio.Span.ToArray());
        Assert.Null(message.ParticipantRawId);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), message.Timestamp);
    }

    [Fact]
    public void Audio_metadata_with_unknown_fields_keeps_the_format()
    {
        using var message = Parse("""{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"s","encoding":"PCM","sampleRate":24000,"channels":1,"length":960,"audioChannelType":"mixed","extra":{"nested":[1,{"a":null}]}}}""");

        Assert.Equal(new AcsAudioMetadata("s", "PCM", 24000, 1, 960), message.AudioMetadata);
    }
}
