using System.Buffers.Binary;
using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class WavFileTests
{
    [Fact]
    public void Written_file_has_the_canonical_header_and_reads_back()
    {
        var pcm = TestSignals.Sine(16_000, 440, 0.5, 1600);
        var file = WavFile.Encode(pcm, 16_000);

        Assert.Equal(44 + pcm.Length, file.Length);
        Assert.Equal("RIFF"u8.ToArray(), file[..4]);
        Assert.Equal((uint)(36 + pcm.Length), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal("WAVEfmt "u8.ToArray(), file[8..16]);
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(20)));     // PCM
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(22)));     // mono
        Assert.Equal(16_000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)));
        Assert.Equal(32_000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28))); // byte rate
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(32)));     // block align
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), file[36..40]);
        Assert.Equal((uint)pcm.Length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)));

        var audio = WavFile.Read(file);
        Assert.Equal(AudioFormat.Pcm16k, audio.Format);
        Assert.Equal(pcm, audio.Pcm);
        Assert.Equal(TimeSpan.FromMilliseconds(100), audio.Duration);
        Assert.Equal(1, audio.SourceChannels);
    }

    [Fact]
    public void Stream_and_file_round_trip()
    {
        var pcm = TestSignals.Sine(24_000, 1000, 0.3, 480);
        using var stream = new MemoryStream();
        WavFile.Write(stream, pcm, 24_000);
        stream.Position = 0;
        Assert.Equal(pcm, WavFile.Read(stream).Pcm);

        var path = Path.Combine(Path.GetTempPath(), $"dvs-wav-{Guid.NewGuid():N}.wav");
        try
        {
            WavFile.WriteFile(path, pcm, 24_000);
            var audio = WavFile.ReadFile(path);
            Assert.Equal(AudioFormat.Pcm24k, audio.Format);
            Assert.Equal(pcm, audio.Pcm);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_chunks_are_skipped_including_odd_sized_ones()
    {
        var pcm = TestSignals.Sine(8_000, 300, 0.5, 80);
        var file = new WavBuilder()
            .Chunk("LIST", "INFOISFT\u0005\0\0\0sox\0\0"u8.ToArray())
            .Format(tag: 1, channels: 1, rate: 8_000, bits: 16)
            .Chunk("odd!", [1, 2, 3]) // padded to 4 bytes
            .Data(pcm)
            .Chunk("id3 ", new byte[10])
            .Build();

        Assert.Equal(pcm, WavFile.Read(file).Pcm);
    }

    [Fact]
    public void Stereo_is_downmixed_to_the_mean_of_the_channels()
    {
        short[] left = [1000, -2000, 32767, -32768];
        short[] right = [3000, -2000, 32767, -32767];
        var interleaved = new byte[16];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(interleaved.AsSpan(4 * i), left[i]);
            BinaryPrimitives.WriteInt16LittleEndian(interleaved.AsSpan(4 * i + 2), right[i]);
        }

        var audio = WavFile.Read(new WavBuilder().Format(1, 2, 44_100, 16).Data(interleaved).Build());
        Assert.Equal([2000, -2000, 32767, -32768], TestSignals.Samples(audio.Pcm));
        Assert.Equal(2, audio.SourceChannels);
        Assert.Equal(44_100, audio.Format.SampleRate);
    }

    [Fact]
    public void Extensible_format_with_pcm_subformat_is_read()
    {
        var pcm = TestSignals.Sine(24_000, 500, 0.4, 240);
        var file = new WavBuilder().ExtensibleFormat(subFormatTag: 1, channels: 1, rate: 24_000, bits: 16).Data(pcm).Build();
        var audio = WavFile.Read(file);
        Assert.Equal(AudioFormat.Pcm24k, audio.Format);
        Assert.Equal(pcm, audio.Pcm);
    }

    [Theory]
    [InlineData(7, AudioEncoding.Mulaw)]
    [InlineData(6, AudioEncoding.Alaw)]
    public void G711_files_are_decoded_to_pcm16(int tag, AudioEncoding encoding)
    {
        var pcm = TestSignals.Sine(8_000, 440, 0.5, 160);
        var codes = new byte[160];
        if (encoding == AudioEncoding.Mulaw)
        {
            G711.EncodeMulaw(pcm, codes);
        }
        else
        {
            G711.EncodeAlaw(pcm, codes);
        }

        var expected = new byte[320];
        if (encoding == AudioEncoding.Mulaw)
        {
            G711.DecodeMulaw(codes, expected);
        }
        else
        {
            G711.DecodeAlaw(codes, expected);
        }

        // G.711 WAV files carry a cbSize of 0 and a fact chunk; both forms (plain and extensible) are accepted.
        var plain = new WavBuilder().Format((ushort)tag, 1, 8_000, 8, extraBytes: 2).Chunk("fact", [160, 0, 0, 0]).Data(codes).Build();
        var extensible = new WavBuilder().ExtensibleFormat((ushort)tag, 1, 8_000, 8).Data(codes).Build();
        foreach (var file in new[] { plain, extensible })
        {
            var audio = WavFile.Read(file);
            Assert.Equal(AudioFormat.Pcm8k, audio.Format);
            Assert.Equal(encoding, audio.SourceEncoding);
            Assert.Equal(expected, audio.Pcm);
        }
    }

    [Fact]
    public void Streaming_data_size_means_to_the_end_of_the_file()
    {
        var pcm = TestSignals.Sine(16_000, 440, 0.5, 100);
        var file = WavFile.Encode(pcm, 16_000);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), 0xFFFFFFFF);
        Assert.Equal(pcm, WavFile.Read(file).Pcm);
    }

    [Fact]
    public void A_partial_last_sample_is_dropped()
    {
        var file = new WavBuilder().Format(1, 1, 16_000, 16).Data([1, 0, 2, 0, 3]).Build();
        Assert.Equal([1, 2], TestSignals.Samples(WavFile.Read(file).Pcm));
    }

    public static TheoryData<string, byte[]> BadFiles()
    {
        var good = WavFile.Encode(TestSignals.Sine(16_000, 440, 0.5, 100), 16_000);
        var data = new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "not riff", "RIFX"u8.ToArray().Concat(good[4..]).ToArray() },
            { "not wave", good[..8].Concat("AVI "u8.ToArray()).Concat(good[12..]).ToArray() },
            { "header only", good[..12] },
            { "truncated data", good[..^10] },
            { "truncated fmt", good[..30] },
            { "no data chunk", good[..36] },
            { "data before fmt", new WavBuilder().Data(new byte[4]).Format(1, 1, 8_000, 16).Build() },
            { "8-bit pcm", new WavBuilder().Format(1, 1, 8_000, 8).Data(new byte[4]).Build() },
            { "float", new WavBuilder().Format(3, 1, 8_000, 32).Data(new byte[4]).Build() },
            { "zero channels", new WavBuilder().Format(1, 0, 8_000, 16).Data(new byte[4]).Build() },
            { "zero rate", new WavBuilder().Format(1, 1, 0, 16).Data(new byte[4]).Build() },
            { "bad block align", new WavBuilder().Format(1, 2, 8_000, 16, blockAlign: 2).Data(new byte[4]).Build() },
            { "short fmt", new WavBuilder().Chunk("fmt ", new byte[12]).Data(new byte[4]).Build() },
            { "short extensible", new WavBuilder().Format(0xFFFE, 1, 8_000, 16, extraBytes: 2).Data(new byte[4]).Build() },
            { "foreign subformat", new WavBuilder().ExtensibleFormat(1, 1, 8_000, 16, corruptGuid: true).Data(new byte[4]).Build() },
            { "chunk past end", new WavBuilder().Format(1, 1, 8_000, 16).Chunk("LIST", new byte[8]).Build()[..^4] },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_throw_FormatException(string name, byte[] file)
    {
        var error = Assert.Throws<FormatException>(() => WavFile.Read(file));
        Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
    }

    [Fact]
    public void Truncation_is_named_in_the_message()
    {
        var good = WavFile.Encode(new byte[200], 8_000);
        Assert.Contains("truncated", Assert.Throws<FormatException>(() => WavFile.Read(good.AsSpan(..^1))).Message);
    }

    [Fact]
    public void Writing_refuses_partial_samples_and_bad_rates()
    {
        Assert.Throws<ArgumentException>(() => WavFile.Encode(new byte[3], 8_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavFile.Encode(new byte[4], 0));
    }

    [SkippableFact]
    public void Reads_speech_synthesized_by_espeak()
    {
        Skip.IfNot(DvServerless.Testing.SpeechAudio.Available, "espeak-ng and sox are not installed");
        var path = DvServerless.Testing.SpeechAudio.SynthesizeWav("Hello, this is a test call.", 16_000);
        var audio = WavFile.ReadFile(path);
        Assert.Equal(16_000, audio.Format.SampleRate);
        Assert.InRange(audio.Duration.TotalSeconds, 0.5, 10);
        Assert.True(AudioLevel.RmsDbfs(audio.Pcm) > -50);
    }

    /// <summary>Builds WAV files chunk by chunk, including malformed ones.</summary>
    private sealed class WavBuilder
    {
        private readonly List<byte> _body = [];

        public WavBuilder Chunk(string id, byte[] body)
        {
            _body.AddRange(System.Text.Encoding.ASCII.GetBytes(id));
            _body.AddRange(BitConverter.GetBytes((uint)body.Length));
            _body.AddRange(body);
            if (body.Length % 2 == 1)
            {
                _body.Add(0);
            }

            return this;
        }

        public WavBuilder Format(ushort tag, ushort channels, uint rate, ushort bits, int? blockAlign = null, int extraBytes = 0)
        {
            var fmt = new byte[16 + extraBytes];
            var align = blockAlign ?? channels * bits / 8;
            BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), channels);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), rate);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * align));
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), bits);
            return Chunk("fmt ", fmt);
        }

        public WavBuilder ExtensibleFormat(ushort subFormatTag, ushort channels, uint rate, ushort bits, bool corruptGuid = false)
        {
            var fmt = new byte[40];
            var align = channels * bits / 8;
            BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), channels);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), rate);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * align));
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), bits);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);         // cbSize
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), bits);       // valid bits
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 4);          // SPEAKER_FRONT_CENTER
            // KSDATAFORMAT_SUBTYPE_xxx = {0000xxxx-0000-0010-8000-00AA00389B71}, stored as a little-endian GUID.
            var guid = new Guid($"0000{subFormatTag:X4}-0000-0010-8000-00AA00389B71");
            guid.TryWriteBytes(fmt.AsSpan(24));
            if (corruptGuid)
            {
                fmt[39] ^= 0xFF;
            }

            return Chunk("fmt ", fmt);
        }

        public WavBuilder Data(byte[] data) => Chunk("data", data);

        public byte[] Build()
        {
            var file = new List<byte>();
            file.AddRange("RIFF"u8.ToArray());
            file.AddRange(BitConverter.GetBytes((uint)(4 + _body.Count)));
            file.AddRange("WAVE"u8.ToArray());
            file.AddRange(_body);
            return file.ToArray();
        }
    }
}
