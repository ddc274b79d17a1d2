using DvServerless.Adapters.Acs;

namespace DvServerless.Adapters.Tests.Acs;

public sealed class AcsConnectionStringTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM="; // base64("secret-key-for-tests")

    [Theory]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=" + Key)]
    [InlineData("AccessKey=" + Key + ";Endpoint=https://contoso.communication.azure.com/")]
    [InlineData(" ENDPOINT = https://contoso.communication.azure.com/ ; ACCESSKEY=" + Key + ";")]
    public void Parses_keys_case_insensitively_in_any_order(string text)
    {
        var parsed = AcsConnectionString.Parse(text);
        Assert.Equal(new Uri("https://contoso.communication.azure.com/"), parsed.Endpoint);
        Assert.Equal("secret-key-for-tests"u8.ToArray(), parsed.AccessKey);
        Assert.DoesNotContain(Key, parsed.ToString());
    }

    [Theory]
    [InlineData("accesskey=" + Key)]
    [InlineData("endpoint=https://contoso.communication.azure.com/")]
    [InlineData("endpoint=not a url;accesskey=" + Key)]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=%%%not-base64" + Key)]
    [InlineData("garbage")]
    public void Rejects_bad_strings_without_echoing_the_key(string text)
    {
        var error = Assert.Throws<FormatException>(() => AcsConnectionString.Parse(text));
        Assert.DoesNotContain(Key, error.Message);
        Assert.DoesNotContain("not-base64", error.Message);
    }
}
