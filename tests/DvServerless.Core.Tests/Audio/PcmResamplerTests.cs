using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class PcmResamplerTests
{
    public static TheoryData<int, int> RatePairs()
    {
        var data = new TheoryData<int, int>();
        foreach (var from in new[] { 8_000, 16_000, 24_000 })
        {
            foreach (var to in new[] { 8_000, 16_000, 24_000 })
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Every_20ms_frame_yields_exactly_20ms_of_output(int from, int to)
    {
        var resampler = new PcmResampler(from, to);
        var input = TestSignals.Sine(from, 440, 0.5, from / 50 * 200);
        var frameBytes = from / 50 * 2;
        var expected = to / 50 * 2;
        var output = new byte[expected];

        for (var offset = 0; offset < input.Length; offset += frameBytes)
        {
            Assert.Equal(expected, resampler.GetOutputByteCount(frameBytes));
            Assert.Equal(expected, resampler.Process(input.AsSpan(offset, frameBytes), output));
        }
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Every_10ms_frame_yields_exactly_10ms_of_output(int from, int to)
    {
        var resampler = new PcmResampler(from, to);
        var frame = TestSignals.Sine(from, 300, 0.3, from / 100);
        var output = new byte[to / 100 * 2];
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(output.Length, resampler.Process(frame, output));
        }
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Chunked_output_equals_one_shot_output_for_uneven_chunks(int from, int to)
    {
        var input = TestSignals.Sine(from, 700, 0.6, from / 2); // 500 ms
        var oneShot = new PcmResampler(from, to);
        var whole = new byte[oneShot.GetOutputByteCount(input.Length)];
        Assert.Equal(whole.Length, oneShot.Process(input, whole));

        // Odd-sized chunks (1, 7, 333, 1001 samples ...) cross phase and block boundaries in every way.
        var chunked = new PcmResampler(from, to);
        var pieces = new List<byte>();
        int[] chunkSamples = [1, 7, 333, 1001, 2, 5, 480, 3];
        var offset = 0;
        for (var i = 0; offset < input.Length; i++)
        {
            var bytes = Math.Min(chunkSamples[i % chunkSamples.Length] * 2, input.Length - offset);
            var output = new byte[chunked.GetMaxOutputByteCount(bytes)];
            var expected = chunked.GetOutputByteCount(bytes);
            var written = chunked.Process(input.AsSpan(offset, bytes), output);
            Assert.Equal(expected, written);
            pieces.AddRange(output.AsSpan(0, written).ToArray());
            offset += bytes;
        }

        Assert.Equal(whole, pieces.ToArray());
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Total_output_after_n_samples_is_ceiling_of_n_times_ratio(int from, int to)
    {
        var resampler = new PcmResampler(from, to);
        var total = 0L;
        var consumed = 0L;
        var buffer = new byte[4096];
        var input = TestSignals.Sine(from, 200, 0.2, 37);
        for (var i = 0; i < 50; i++)
        {
            total += resampler.Process(input, buffer) / 2;
            consumed += input.Length / 2;
            var expected = (consumed * to + from - 1) / from;
            Assert.Equal(expected, total);
        }
    }

    [Fact]
    public void Same_rate_copies_the_input()
    {
        var resampler = new PcmResampler(AudioFormat.Pcm24k, AudioFormat.Pcm24k);
        var input = TestSignals.Sine(24_000, 1000, 0.5, 480);
        var output = new byte[input.Length];
        Assert.True(resampler.IsPassThrough);
        Assert.Equal(input.Length, resampler.Process(input, output));
        Assert.Equal(input, output);
    }

    [Theory]
    [InlineData(24_000, 16_000)]
    [InlineData(16_000, 24_000)]
    [InlineData(24_000, 8_000)]
    [InlineData(8_000, 24_000)]
    [InlineData(16_000, 8_000)]
    [InlineData(8_000, 16_000)]
    public void A_1kHz_tone_keeps_its_amplitude_and_frequency(int from, int to)
    {
        var resampler = new PcmResampler(from, to);
        var input = TestSignals.Sine(from, 1000, 0.5, from); // 1 s
        var output = new byte[resampler.GetOutputByteCount(input.Length)];
        resampler.Process(input, output);

        // Skip the first 10 ms, where the filter is still filling from its zero history.
        var steady = TestSignals.Samples(output).AsSpan(to / 100);
        var amplitude = TestSignals.ToneAmplitude(steady, to, 1000);
        Assert.InRange(20 * Math.Log10(amplitude / 0.5), -0.2, 0.2);
        Assert.InRange(TestSignals.ZeroCrossingFrequency(steady, to), 999, 1001);
    }

    [Fact]
    public void A_1kHz_tone_survives_24k_to_16k_to_24k_within_1dB()
    {
        var down = new PcmResampler(24_000, 16_000);
        var up = new PcmResampler(16_000, 24_000);
        var input = TestSignals.Sine(24_000, 1000, 0.7, 24_000);
        var middle = new byte[640];
        var output = new List<byte>();
        var frame = new byte[960];
        for (var offset = 0; offset < input.Length; offset += 960)
        {
            Assert.Equal(640, down.Process(input.AsSpan(offset, 960), middle));
            Assert.Equal(960, up.Process(middle, frame));
            output.AddRange(frame);
        }

        var steady = TestSignals.Samples(output.ToArray()).AsSpan(480);
        Assert.Equal(input.Length, output.Count);
        Assert.InRange(20 * Math.Log10(TestSignals.ToneAmplitude(steady, 24_000, 1000) / 0.7), -1, 1);
        Assert.InRange(TestSignals.RmsLinear(steady), 0.7 / Math.Sqrt(2) * 0.89, 0.7 / Math.Sqrt(2) * 1.12);
        Assert.InRange(TestSignals.ZeroCrossingFrequency(steady, 24_000), 999, 1001);
    }

    [Fact]
    public void An_11kHz_tone_is_suppressed_going_from_24k_to_16k()
    {
        // 11 kHz is above the 8 kHz Nyquist frequency of 16 kHz audio; without filtering it would fold to 5 kHz.
        var resampler = new PcmResampler(24_000, 16_000);
        var input = TestSignals.Sine(24_000, 11_000, 0.9, 24_000);
        var output = new byte[resampler.GetOutputByteCount(input.Length)];
        resampler.Process(input, output);

        var steady = TestSignals.Samples(output).AsSpan(160);
        var alias = TestSignals.ToneAmplitude(steady, 16_000, 5_000);
        Assert.True(20 * Math.Log10(TestSignals.RmsLinear(steady) / 0.9 * Math.Sqrt(2)) < -50, "11 kHz leaked through");
        Assert.True(alias < 0.9 * 0.003, $"5 kHz alias at {20 * Math.Log10(alias / 0.9):0.0} dB");
    }

    [Fact]
    public void A_5kHz_tone_is_suppressed_going_from_16k_to_8k_but_not_from_16k_to_24k()
    {
        // 5 kHz is above the 4 kHz Nyquist frequency of 8 kHz audio.
        var toEight = new PcmResampler(16_000, 8_000);
        var input = TestSignals.Sine(16_000, 5_000, 0.9, 16_000);
        var output = new byte[toEight.GetOutputByteCount(input.Length)];
        toEight.Process(input, output);
        Assert.True(TestSignals.RmsLinear(TestSignals.Samples(output).AsSpan(80)) < 0.9 * 0.005);

        var toTwentyFour = new PcmResampler(16_000, 24_000);
        var wide = new byte[toTwentyFour.GetOutputByteCount(input.Length)];
        toTwentyFour.Process(input, wide);
        var amplitude = TestSignals.ToneAmplitude(TestSignals.Samples(wide).AsSpan(240), 24_000, 5_000);
        Assert.InRange(amplitude, 0.9 * 0.89, 0.9 * 1.12);
    }

    [Fact]
    public void Upsampling_leaves_no_images_of_the_input_spectrum()
    {
        // 16 → 24 kHz runs at 48 kHz inside: a 3 kHz tone has images at 13 and 19 kHz there, which a poor
        // interpolation filter would let fold back to 11 and 5 kHz in the 24 kHz output.
        var resampler = new PcmResampler(16_000, 24_000);
        var input = TestSignals.Sine(16_000, 3_000, 0.9, 16_000);
        var output = new byte[resampler.GetOutputByteCount(input.Length)];
        resampler.Process(input, output);
        var steady = TestSignals.Samples(output).AsSpan(240);
        Assert.True(TestSignals.ToneAmplitude(steady, 24_000, 11_000) < 0.9 * 0.003);
        Assert.True(TestSignals.ToneAmplitude(steady, 24_000, 5_000) < 0.9 * 0.003);
        Assert.InRange(TestSignals.ToneAmplitude(steady, 24_000, 3_000), 0.9 * 0.97, 0.9 * 1.03);
    }

    [Fact]
    public void Full_scale_input_clips_instead_of_wrapping()
    {
        // A full-scale 50 Hz square: the filter's Gibbs overshoot goes past full scale at every edge.
        var resampler = new PcmResampler(24_000, 16_000);
        var square = new byte[960];
        var output = new List<short>();
        var frame = new byte[640];
        for (var block = 0; block < 10; block++)
        {
            for (var i = 0; i < 480; i++)
            {
                var value = (block * 480 + i) / 240 % 2 == 0 ? short.MaxValue : short.MinValue;
                BitConverter.TryWriteBytes(square.AsSpan(2 * i), value);
            }

            resampler.Process(square, frame);
            output.AddRange(TestSignals.Samples(frame));
        }

        // Saturated overshoot reaches the rails; a wrapped one would add sign changes inside the plateaus.
        Assert.Equal(short.MaxValue, output.Max());
        Assert.Equal(short.MinValue, output.Min());
        var signChanges = output.Skip(20).Zip(output.Skip(21), (a, b) => Math.Sign(a) != Math.Sign(b) && a != 0 && b != 0).Count(c => c);
        Assert.Equal(19, signChanges);
    }

    [Fact]
    public void Reset_restarts_the_stream()
    {
        var resampler = new PcmResampler(24_000, 16_000);
        var input = TestSignals.Sine(24_000, 1234, 0.5, 480);
        var first = new byte[640];
        resampler.Process(input, first);
        var second = new byte[640];
        resampler.Process(input.AsSpan(0, 2 * 17), new byte[64]);
        resampler.Reset();
        resampler.Process(input, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Constant_input_comes_out_constant()
    {
        foreach (var (from, to) in new[] { (8_000, 24_000), (16_000, 24_000), (24_000, 16_000), (24_000, 8_000) })
        {
            var resampler = new PcmResampler(from, to);
            var input = new byte[from / 50 * 2];
            for (var i = 0; i < input.Length; i += 2)
            {
                BitConverter.TryWriteBytes(input.AsSpan(i), (short)10_000);
            }

            var output = new byte[to / 50 * 2];
            resampler.Process(input, output); // fills the history
            resampler.Process(input, output);
            Assert.All(TestSignals.Samples(output), s => Assert.InRange(s, 9_999, 10_001));
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_without_changing_state()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcmResampler(22_050, 16_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcmResampler(16_000, 48_000));
        Assert.Throws<ArgumentException>(() => new PcmResampler(new AudioFormat(8_000, AudioEncoding.Mulaw), AudioFormat.Pcm16k));

        var resampler = new PcmResampler(24_000, 16_000);
        Assert.Throws<ArgumentException>(() => resampler.Process(new byte[3], new byte[10]));
        Assert.Throws<ArgumentException>(() => resampler.Process(new byte[960], new byte[638]));
        Assert.Equal(640, resampler.GetOutputByteCount(960));
    }

    [Fact]
    public void Process_does_not_allocate()
    {
        var down = new PcmResampler(24_000, 16_000);
        var up = new PcmResampler(16_000, 24_000);
        var input = TestSignals.Sine(24_000, 1000, 0.5, 480);
        var middle = new byte[640];
        var output = new byte[960];
        down.Process(input, middle);
        up.Process(middle, output);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            down.Process(input, middle);
            up.Process(middle, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
