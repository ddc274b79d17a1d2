using DvServerless.Core.Privacy;

namespace DvServerless.Core.Tests.Privacy;

public sealed class PiiMaskerTests
{
    [Theory]
    [InlineData("+14255550123", "+*******0123")]
    [InlineData("Call from +14255550123 connected", "Call from +*******0123 connected")]
    [InlineData("4:+14255550123", "4:+*******0123")]
    [InlineData("{\"rawId\":\"4:+447700900123\"}", "{\"rawId\":\"4:+********0123\"}")]
    [InlineData("sip:+14255550123@sbc.contoso.com", "sip:+*******0123@sbc.contoso.com")]
    [InlineData("sips:14255550123@sbc.contoso.com;user=phone", "sips:*******0123@sbc.contoso.com;user=phone")]
    [InlineData("<sip:+1-425-555-0123@host>", "<sip:+*-***-***-0123@host>")]
    [InlineData("tel:+14255550123", "tel:+*******0123")]
    [InlineData("TEL:+1.425.555.0123", "TEL:+*.***.***.0123")]
    [InlineData("/api/v1/calls/%2B14255550123/hangup", "/api/v1/calls/%2B*******0123/hangup")]
    [InlineData("\"to\":\"\\u002B14255550123\"", "\"to\":\"\\u002B*******0123\"")]
    [InlineData("+1 (425) 555-0123", "+* (***) ***-0123")]
    [InlineData("call (425) 555-0123 now", "call (***) ***-0123 now")]
    [InlineData("425-555-0123", "***-***-0123")]
    [InlineData("from +4915112345678 to +14255550123", "from +*********5678 to +*******0123")]
    public void Phone_numbers_are_masked_to_their_last_four_digits(string input, string expected) =>
        Assert.Equal(expected, PiiMasker.Mask(input));

    [Theory]
    [InlineData("Call lasted 125000 ms")]
    [InlineData("listening on http://127.0.0.1:7075/")]
    [InlineData("callId 7f3c2a10-5b1e-4c1d-9a8b-1234567890ab")]
    [InlineData("2026-01-10T03:00:00+00:00")]
    [InlineData("offset +1500 ms")]
    [InlineData("unix time 1767999999999")]
    [InlineData("sip:1001@pbx.local")]
    [InlineData("8:acs:5c7b2d1e-0a4f-4d8e-9b6a-3f2e1d0c9b8a_00000021")]
    [InlineData("version 10.0.15, 24000 Hz, 3 channels")]
    [InlineData("no digits at all")]
    [InlineData("")]
    public void Ordinary_text_and_numbers_are_left_alone(string input) =>
        Assert.Equal(input, PiiMasker.Mask(input));

    [Fact]
    public void Null_stays_null() => Assert.Null(PiiMasker.Mask(null));

    [Theory]
    [InlineData("+14255550123")]
    [InlineData("sip:+14255550123@host")]
    [InlineData("(425) 555-0123")]
    public void Masking_twice_changes_nothing_more(string input)
    {
        var once = PiiMasker.Mask(input);
        Assert.Equal(once, PiiMasker.Mask(once));
    }

    [Fact]
    public void No_full_number_survives_in_a_mixed_log_line()
    {
        var line = "IncomingCall from 4:+14255550123 to sip:+18005551234@acs.example via tel:+447700900123, duration 3600 s, port 7073";
        var masked = PiiMasker.Mask(line);
        Assert.DoesNotContain("4255550123", masked);
        Assert.DoesNotContain("8005551234", masked);
        Assert.DoesNotContain("7700900123", masked);
        Assert.Contains("0123", masked);
        Assert.Contains("duration 3600 s, port 7073", masked);
    }
}
