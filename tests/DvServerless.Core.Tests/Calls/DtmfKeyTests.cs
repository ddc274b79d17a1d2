using DvServerless.Core.Calls;

namespace DvServerless.Core.Tests.Calls;

public sealed class DtmfKeyTests
{
    [Theory]
    [InlineData("5", '5')]
    [InlineData("#", '#')]
    [InlineData("*", '*')]
    [InlineData("a", 'A')]
    [InlineData(" D ", 'D')]
    [InlineData("pound", '#')]
    [InlineData("Asterisk", '*')]
    [InlineData("five", '5')]
    [InlineData("zero", '0')]
    public void Every_spelling_of_a_key_is_read(string tone, char expected)
    {
        Assert.True(DtmfKey.TryParse(tone, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("E")]
    [InlineData("55")]
    [InlineData("flash")]
    [InlineData("{\"x\":1}")]
    public void Anything_else_is_not_a_key(string? tone) => Assert.False(DtmfKey.TryParse(tone, out _));
}
