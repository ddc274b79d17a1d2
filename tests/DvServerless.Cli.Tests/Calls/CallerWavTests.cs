using System.Buffers.Binary;
using DvServerless.Cli.Calls;

namespace DvServerless.Cli.Tests.Calls;

public sealed class CallerWavTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dvs-callerwav-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_stereo_wav_at_an_unsupported_rate_is_described_as_stereo_and_the_error_names_the_file()
    {
        var file = Write("stereo.wav", PcmWav(sampleRate: 44_100, channels: 2, frames: 4410));

        var error = await Assert.ThrowsAsync<FormatException>(() => CallerWav.ReadAsync(file, CancellationToken.None));

        Assert.Contains(file.FullName, error.Message, StringComparison.Ordinal);
        Assert.Contains("PCM16 44100 Hz stereo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stereo_wav_at_a_supported_rate_is_taken_and_downmixed()
    {
        var file = Write("stereo24k.wav", PcmWav(sampleRate: 24_000, channels: 2, frames: 2400));

        var wav = await CallerWav.ReadAsync(file, CancellationToken.None);

        Assert.Equal(2, wav.SourceChannels);
        Assert.Equal(2400 * 2, wav.Pcm.Length);
        Assert.Equal("PCM16 24000 Hz stereo", CallerWav.Describe(wav));
    }

    [Fact]
    public async Task A_file_that_is_not_a_wav_gets_an_error_naming_it()
    {
        var file = Write("notes.wav", "this is not audio"u8.ToArray());

        var error = await Assert.ThrowsAsync<FormatException>(() => CallerWav.ReadAsync(file, CancellationToken.None));

        Assert.StartsWith(file.FullName + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_gets_an_error_naming_it()
    {
        var file = new FileInfo(Path.Combine(_dir.FullName, "missing.wav"));

        var error = await Assert.ThrowsAsync<IOException>(() => CallerWav.ReadAsync(file, CancellationToken.None));

        Assert.Contains(file.FullName, error.Message, StringComparison.Ordinal);
    }

    private FileInfo Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return new FileInfo(path);
    }

    private static byte[] PcmWav(int sampleRate, int channels, int frames)
    {
        var dataBytes = frames * channels * 2;
        var file = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), dataBytes);
        for (var i = 44; i + 1 < file.Length; i += 2)
        {
            BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(i), (short)((i * 37) % 2000 - 1000));
        }

        return file;
    }
}
