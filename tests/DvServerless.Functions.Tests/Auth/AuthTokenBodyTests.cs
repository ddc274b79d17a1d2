using DvServerless.Functions.Auth;

namespace DvServerless.Functions.Tests.Auth;

/// <summary>The API-key exchange body: a key that is not valid Unicode is no key (401), not a 500.</summary>
public sealed class AuthTokenBodyTests
{
    [Theory]
    [InlineData("""{"apiKey":"\uD83D\uD83D"}""")]
    public void A_lone_surrogate_reads_as_no_key(string body) => Assert.Null(AuthTokenFunction.ApiKeyOf(BinaryData.FromString(body)));

    [Fact]
    public void A_key_reads() => Assert.Equal("dvs_k", AuthTokenFunction.ApiKeyOf(BinaryData.FromString("""{"apiKey":"dvs_k"}""")));
}
