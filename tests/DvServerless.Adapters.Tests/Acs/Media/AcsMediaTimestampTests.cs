using DvServerless.Adapters.Acs.Media;

namespace DvServerless.Adapters.Tests.Acs.Media;

public sealed class AcsMediaTimestampTests
{
    [Theory]
    [InlineData("2024-05-01T12:00:00.123Z", 123)]
    [InlineData("2024-05-01T12:00:00.1234567+00:00", 123)]
    public void Iso_timestamps_are_read_as_utc_instants(string sent, int expectedMs)
    {
        using var message = AcsMediaStreamCodec.Parse(System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"kind":"AudioData","audioData":{"timestamp":"{{{sent}}}","participantRawID":"4:+14255550123","data":"AAA=","silent":false}}"""));

        Assert.Equal(TimeSpan.Zero, message.Timestamp!.Value.Offset);
        Assert.Equal(expectedMs, message.Timestamp.Value.Millisecond);
    }

    [Fact]
    public void A_timestamp_that_is_not_a_date_does_not_lose_the_audio()
    {
        using var message = AcsMediaStreamCodec.Parse("""{"kind":"AudioData","audioData":{"timestamp":"soon","data":"AAA=","silent":false}}"""u8);

        Assert.Null(message.Timestamp);
        Assert.Equal(2, message.Audio.Length);
    }
}
