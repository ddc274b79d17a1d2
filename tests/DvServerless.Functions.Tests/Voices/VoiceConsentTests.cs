using DvServerless.Functions.Voices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace DvServerless.Functions.Tests.Voices;

/// <summary>The consent field of a voice upload: unreadable JSON is a missing consent (which the validator reports), never a 500.</summary>
public sealed class VoiceConsentTests
{
    [Theory]
    [InlineData("""{"\uD800":"x","by":"J","at":"2026-03-01T09:30:00Z"}""")]
    [InlineData("""{"by":"J\uDC00","at":"2026-03-01T09:30:00Z"}""")]
    public void A_lone_surrogate_is_no_consent(string consent) => Assert.Null(VoiceRequests.ConsentOf(Form(consent)));

    [Fact]
    public void A_consent_reads()
    {
        var consent = VoiceRequests.ConsentOf(Form("""{"by":"Jane Doe","at":"2026-03-01T09:30:00Z"}"""));
        Assert.Equal("Jane Doe", consent!.By);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), consent.At);
    }

    private static FormCollection Form(string consent) => new(new Dictionary<string, StringValues> { ["consent"] = consent });
}
