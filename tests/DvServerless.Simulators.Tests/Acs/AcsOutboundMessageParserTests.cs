using DvServerless.Simulators.Acs;

namespace DvServerless.Simulators.Tests.Acs;

public sealed class AcsOutboundMessageParserTests
{
    [Theory]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"AAECAw=="},"StopAudio":null}""", OutboundMediaSpelling.DocsPascalCase)]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"AAECAw=="}}""", OutboundMediaSpelling.DocsPascalCase)]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"AAECAw==","Timestamp":"0001-01-01T00:00:00+00:00","Participant":null,"IsSilent":false,"Mark":null},"StopAudio":null,"MarkData":null}""", OutboundMediaSpelling.DotNetPascalCase)]
    [InlineData("""{"kind":"audioData","audioData":{"data":"AAECAw==","isSilent":false},"stopAudio":{}}""", OutboundMediaSpelling.JsCamelCase)]
    public void Audio_in_each_documented_spelling_is_accepted(string json, OutboundMediaSpelling spelling)
    {
        var parsed = AcsOutboundMessageParser.Parse(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Null(parsed.Error);
        Assert.Equal(OutboundMediaKind.AudioData, parsed.Kind);
        Assert.Equal(spelling, parsed.Spelling);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, parsed.Audio);
    }

    [Theory]
    [InlineData("""{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}""", OutboundMediaSpelling.DocsPascalCase)]
    [InlineData("""{"Kind":"StopAudio","AudioData":null,"StopAudio":{},"MarkData":null}""", OutboundMediaSpelling.DotNetPascalCase)]
    [InlineData("""{"kind":"stopAudio","stopAudio":{}}""", OutboundMediaSpelling.JsCamelCase)]
    public void StopAudio_in_each_documented_spelling_is_accepted(string json, OutboundMediaSpelling spelling)
    {
        var parsed = AcsOutboundMessageParser.Parse(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Null(parsed.Error);
        Assert.Equal(OutboundMediaKind.StopAudio, parsed.Kind);
        Assert.Equal(spelling, parsed.Spelling);
    }

    [Theory]
    [InlineData("""{"kind":"AudioData","audioData":{"data":"AAECAw=="}}""")]
    [InlineData("""{"Kind":"audioData","AudioData":{"Data":"AAECAw=="}}""")]
    [InlineData("""{"Kind":"AudioData","AudioData":{"data":"AAECAw=="}}""")]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"not base64!"}}""")]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"AAEC"}}""")]
    [InlineData("""{"Kind":"StopAudio"}""")]
    [InlineData("""{"Kind":"AudioData","AudioData":{"Data":"AAECAw=="},"Extra":1}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"Kind":""")]
    public void Anything_else_is_a_protocol_error(string json)
    {
        var parsed = AcsOutboundMessageParser.Parse(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.NotNull(parsed.Error);
        Assert.Equal(OutboundMediaKind.Invalid, parsed.Kind);
    }
}
