using System.Buffers.Binary;
using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class G711Tests
{
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(32635, 0x80)]
    [InlineData(100, 0xF2)]
    public void Mulaw_encodes_known_code_points(short sample, int code) => Assert.Equal((byte)code, G711.EncodeMulaw(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xFE, 8)]
    [InlineData(0xEF, 132)]
    public void Mulaw_decodes_known_code_points(int code, short sample) => Assert.Equal(sample, G711.DecodeMulaw((byte)code));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    public void Alaw_encodes_known_code_points(short sample, int code) => Assert.Equal((byte)code, G711.EncodeAlaw(sample));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0xC5, 264)]
    public void Alaw_decodes_known_code_points(int code, short sample) => Assert.Equal(sample, G711.DecodeAlaw((byte)code));

    [Fact]
    public void Mulaw_round_trip_error_is_within_half_a_step_for_every_sample()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var code = G711.EncodeMulaw((short)x);
            var decoded = G711.DecodeMulaw(code);
            var magnitude = Math.Min(Math.Abs(x), 32635);
            var error = Math.Abs(Math.Sign(x) * magnitude - decoded);

            // A step in segment e is 8·2^e at 16-bit scale; the decoder returns the middle of the step.
            var segment = (~code >> 4) & 0x07;
            Assert.True(error <= 4 << segment, $"{x} → {decoded}");
            Assert.True(error <= 5 + magnitude / 32, $"{x} → {decoded}"); // ≈ 3 % relative error at most
            Assert.True(Math.Sign(decoded) == Math.Sign(x) || decoded == 0);
        }
    }

    [Fact]
    public void Alaw_round_trip_error_is_within_half_a_step_for_every_sample()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var decoded = G711.DecodeAlaw(G711.EncodeAlaw((short)x));
            var error = Math.Abs(x - decoded);
            Assert.True(error <= 8 + Math.Abs(x) / 32, $"{x} → {decoded}");
        }
    }

    [Fact]
    public void Every_code_decodes_and_re_encodes_to_itself()
    {
        for (var code = 0; code < 256; code++)
        {
            // μ-law has two zeros (0x7F and 0xFF), which both decode to 0 and re-encode to 0xFF.
            var mulaw = G711.EncodeMulaw(G711.DecodeMulaw((byte)code));
            Assert.Equal(code == 0x7F ? 0xFF : code, mulaw);
            Assert.Equal(code, G711.EncodeAlaw(G711.DecodeAlaw((byte)code)));
        }
    }

    [Fact]
    public void Decoding_is_monotonic_in_magnitude()
    {
        // Positive μ-law codes 0xFF down to 0x80 and A-law codes by segment/mantissa must give rising levels.
        var previous = -1;
        for (var code = 0xFF; code >= 0x80; code--)
        {
            var value = G711.DecodeMulaw((byte)code);
            Assert.True(value > previous || (code == 0xFF && value == 0));
            previous = value;
        }

        previous = 0;
        for (var index = 0; index < 128; index++)
        {
            var value = G711.DecodeAlaw((byte)((index | 0x80) ^ 0x55));
            Assert.True(value > previous);
            previous = value;
        }
    }

    [Fact]
    public void Span_encode_and_decode_match_the_scalar_functions()
    {
        var pcm = TestSignals.Sine(8_000, 440, 0.8, 160);
        var mulaw = new byte[160];
        var alaw = new byte[160];
        Assert.Equal(160, G711.EncodeMulaw(pcm, mulaw));
        Assert.Equal(160, G711.EncodeAlaw(pcm, alaw));

        var fromMulaw = new byte[320];
        var fromAlaw = new byte[320];
        Assert.Equal(320, G711.DecodeMulaw(mulaw, fromMulaw));
        Assert.Equal(320, G711.DecodeAlaw(alaw, fromAlaw));
        for (var i = 0; i < 160; i++)
        {
            var sample = BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(2 * i));
            Assert.Equal(G711.EncodeMulaw(sample), mulaw[i]);
            Assert.Equal(G711.EncodeAlaw(sample), alaw[i]);
            Assert.Equal(G711.DecodeMulaw(mulaw[i]), BinaryPrimitives.ReadInt16LittleEndian(fromMulaw.AsSpan(2 * i)));
            Assert.Equal(G711.DecodeAlaw(alaw[i]), BinaryPrimitives.ReadInt16LittleEndian(fromAlaw.AsSpan(2 * i)));
        }

        // A tone survives companding with a signal-to-noise ratio of over 30 dB.
        var noise = TestSignals.Samples(pcm).Zip(TestSignals.Samples(fromMulaw), (a, b) => (double)(a - b)).Select(d => d * d).Average();
        var signal = TestSignals.Samples(pcm).Select(a => (double)a * a).Average();
        Assert.True(10 * Math.Log10(signal / noise) > 30);
    }

    [Fact]
    public void Bad_buffers_are_refused()
    {
        Assert.Throws<ArgumentException>(() => G711.EncodeMulaw(new byte[3], new byte[4]));
        Assert.Throws<ArgumentException>(() => G711.EncodeAlaw(new byte[8], new byte[3]));
        Assert.Throws<ArgumentException>(() => G711.DecodeMulaw(new byte[4], new byte[7]));
        Assert.Throws<ArgumentException>(() => G711.DecodeAlaw(new byte[4], new byte[7]));
    }
}
