using System.Buffers.Binary;

namespace DvServerless.Simulators.Tests.Realtime;

/// <summary>Caller audio for tests: PCM16 24 kHz tone bursts between silences, and 20 ms base64 chunks of it.</summary>
internal static class TestSpeech
{
    public static byte[] ToneBurst(int leadingSilenceMs, int toneMs, int trailingSilenceMs, double dbfs = -20)
    {
        var total = (leadingSilenceMs + toneMs + trailingSilenceMs) * 24;
        var bytes = new byte[total * 2];
        var amplitude = 32768 * Math.Pow(10, dbfs / 20) * Math.Sqrt(2);
        for (var n = leadingSilenceMs * 24; n < (leadingSilenceMs + toneMs) * 24; n++)
        {
            var sample = (short)(amplitude * Math.Sin(2 * Math.PI * 220 * n / 24_000.0));
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(n * 2), sample);
        }

        return bytes;
    }

    public static IEnumerable<string> Chunks(byte[] pcm, int chunkMs = 20)
    {
        var size = chunkMs * 48;
        for (var offset = 0; offset < pcm.Length; offset += size)
        {
            yield return Convert.ToBase64String(pcm, offset, Math.Min(size, pcm.Length - offset));
        }
    }

    public static string Append(string base64) => $$"""{"type":"input_audio_buffer.append","audio":"{{base64}}"}""";
}
