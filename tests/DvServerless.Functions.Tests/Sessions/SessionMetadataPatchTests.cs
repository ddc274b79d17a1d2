using DvServerless.Functions.Sessions;

namespace DvServerless.Functions.Tests.Sessions;

/// <summary>Metadata patch bodies that are JSON but not valid Unicode: a 400 with a reason, not a 500.</summary>
public sealed class SessionMetadataPatchTests
{
    [Theory]
    [InlineData("""{"customerId":"C-42","\uD800":"gold"}""")]
    [InlineData("""{"customerId":"C-42\uDC00"}""")]
    public void A_lone_surrogate_is_an_error_not_an_exception(string body)
    {
        Assert.Null(SessionMetadataPatch.TryParse(BinaryData.FromString(body), out var error));
        Assert.Contains("Unicode", error);
    }

    [Fact]
    public void A_valid_patch_still_reads()
    {
        var patch = SessionMetadataPatch.TryParse(BinaryData.FromString("""{"customerId":"C-42","campaign":null}"""), out var error);
        Assert.Null(error);
        Assert.Equal([new("customerId", "C-42"), new KeyValuePair<string, string?>("campaign", null)], patch!.Changes);
    }
}
