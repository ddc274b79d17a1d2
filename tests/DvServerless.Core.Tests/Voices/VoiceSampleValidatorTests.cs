using DvServerless.Core.Audio;
using DvServerless.Core.Voices;

namespace DvServerless.Core.Tests.Voices;

public sealed class VoiceSampleValidatorTests
{
    private static readonly VoiceConsent Consent = new("Jane Doe", new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));

    internal static byte[] Wav(double seconds) => WavFile.Encode(new byte[(int)(16_000 * seconds) * 2], 16_000);

    [Theory]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, AudioFileKind.Wav)]
    [InlineData(new byte[] { 0x49, 0x44, 0x33, 4, 0 }, AudioFileKind.Mp3)]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, AudioFileKind.Mp3)]
    [InlineData(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0 }, AudioFileKind.Ogg)]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F }, AudioFileKind.WebM)]
    [InlineData(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4D, 0x34, 0x41, 0x20 }, AudioFileKind.M4a)]
    [InlineData(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, AudioFileKind.M4a)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, AudioFileKind.Unknown)]
    [InlineData(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20 }, AudioFileKind.Unknown)]
    public void Files_are_identified_by_magic_bytes(byte[] header, AudioFileKind expected) =>
        Assert.Equal(expected, AudioFileSniffer.Identify(header));

    [Fact]
    public void A_valid_wav_sample_is_accepted_with_its_duration()
    {
        var result = VoiceSampleValidator.Validate(new VoiceSampleUpload("Jane", null, Consent, Wav(3.5)));
        Assert.True(result.IsValid);
        Assert.Equal(TimeSpan.FromSeconds(3.5), result.Duration);
    }

    [Fact]
    public void Wrong_magic_bytes_are_refused_whatever_the_file_name() =>
        AssertRefused(new VoiceSampleUpload("Jane", null, Consent, "%PDF-1.7 not audio"u8.ToArray(), "voice.wav"), VoiceSampleError.UnsupportedFormat);

    [Fact]
    public void Eleven_megabytes_are_refused()
    {
        var big = new byte[11 * 1024 * 1024];
        "ID3"u8.CopyTo(big);
        AssertRefused(new VoiceSampleUpload("Jane", null, Consent, big), VoiceSampleError.FileTooLarge);
    }

    [Fact]
    public void Half_a_second_of_wav_is_refused() =>
        AssertRefused(new VoiceSampleUpload("Jane", null, Consent, Wav(0.5)), VoiceSampleError.AudioTooShort);

    [Fact]
    public void Missing_consent_is_refused() =>
        AssertRefused(new VoiceSampleUpload("Jane", null, null, Wav(4)), VoiceSampleError.ConsentRequired);

    [Fact]
    public void Consent_without_who_is_refused() =>
        AssertRefused(new VoiceSampleUpload("Jane", null, Consent with { By = " " }, Wav(4)), VoiceSampleError.ConsentRequired);

    [Fact]
    public void Missing_name_is_refused() =>
        AssertRefused(new VoiceSampleUpload("", null, Consent, Wav(4)), VoiceSampleError.NameRequired);

    private static void AssertRefused(VoiceSampleUpload upload, string code)
    {
        var result = VoiceSampleValidator.Validate(upload);
        Assert.False(result.IsValid);
        Assert.Equal(code, Assert.Single(result.Errors).Code);
    }
}
