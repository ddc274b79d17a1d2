using DvServerless.Functions.Logging;

namespace DvServerless.Functions.Tests.Logging;

public sealed class PiiMaskerTests
{
    [Theory]
    [InlineData("4:+14255550123", "4:+*******0123")]
    [InlineData("+14255550123", "+*******0123")]
    [InlineData("+1 (425) 555-0123", "+* (***) ***-0123")]
    [InlineData("4:+123", "4:+123")]
    public void Phone_numbers_keep_only_their_last_four_digits(string raw, string expected)
    {
        Assert.Equal(expected, PiiMasker.MaskIdentifier(raw));
    }

    [Fact]
    public void Other_identifiers_keep_their_kind_and_last_four_characters()
    {
        Assert.Equal("8:acs:…a1b2", PiiMasker.MaskIdentifier("8:acs:5e7c2f4e-0000-4b4b-9c9c-aaaaaaaaaaaa_0000001a-2b3c-4d5e-a1b2"));
        Assert.Equal("…wxyz", PiiMasker.MaskIdentifier("someopaqueidwxyz"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Nothing_stays_nothing(string? raw)
    {
        Assert.Equal(raw, PiiMasker.MaskIdentifier(raw));
    }
}
