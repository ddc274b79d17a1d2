using DvServerless.Adapters.Storage;

namespace DvServerless.Adapters.Tests.Storage;

public sealed class CallIdFormatTests
{
    [Theory]
    [InlineData("7c1a6b5e-0000-4bbb-8ccc-1234567890ab")]
    [InlineData("call_1")]
    [InlineData("A")]
    public void Safe_ids_are_accepted(string callId) => Assert.True(CallIdFormat.IsValid(callId));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("_x")]
    [InlineData("a.b")]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("é")]
    public void Unsafe_ids_are_refused(string? callId) => Assert.False(CallIdFormat.IsValid(callId));

    [Fact]
    public void Ids_longer_than_the_limit_are_refused()
    {
        Assert.True(CallIdFormat.IsValid(new string('a', CallIdFormat.MaxLength)));
        Assert.False(CallIdFormat.IsValid(new string('a', CallIdFormat.MaxLength + 1)));
    }
}
