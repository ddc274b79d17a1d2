using System.Text;

namespace DvServerless.Benchmarks.Frames;

/// <summary>
/// The wire frames both frame-path benchmarks (this one and the Node peer in <c>bench/node</c>) run on: one 20 ms ACS
/// inbound <c>AudioData</c> frame per leg rate and one Realtime <c>response.output_audio.delta</c> (24 kHz), holding a
/// deterministic voiced-speech-like signal. <see cref="WriteTo"/> writes them so the Node script reads the very same bytes.
/// </summary>
public static class BenchFrames
{
    /// <summary>The leg rates measured: ACS at 24 kHz (pass-through to the engine) and 16 kHz (resampled both ways).</summary>
    public static readonly int[] LegRates = [24_000, 16_000];

    /// <summary>The ACS inbound frame carrying 20 ms of caller audio at <paramref name="legRate"/>, as ACS sends it.</summary>
    public static byte[] AcsInbound(int legRate) => Encoding.UTF8.GetBytes(
        $$$"""{"kind":"AudioData","audioData":{"timestamp":"2026-01-01T09:00:00.020Z","participantRawID":"4:+14255550123","data":"{{{Convert.ToBase64String(Speech(legRate))}}}","silent":false}}""");

    /// <summary>A Realtime audio delta of 20 ms at 24 kHz, in the shape of the GA reference example.</summary>
    public static byte[] RealtimeDelta() => Encoding.UTF8.GetBytes(
        $$"""{"event_id":"event_4950","type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(Speech(24_000))}}"}""");

    /// <summary>Writes <c>acs-inbound-{rate}.json</c> per leg rate and <c>realtime-delta.json</c> into <paramref name="directory"/>.</summary>
    public static void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var rate in LegRates)
        {
            File.WriteAllBytes(Path.Combine(directory, $"acs-inbound-{rate}.json"), AcsInbound(rate));
        }

        File.WriteAllBytes(Path.Combine(directory, "realtime-delta.json"), RealtimeDelta());
    }

    /// <summary>20 ms of a 140 Hz fundamental with falling harmonics and a little noise, PCM16 little-endian.</summary>
    private static byte[] Speech(int rate)
    {
        var samples = rate / 50;
        var pcm = new byte[samples * 2];
        var noise = new Random(7);
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / rate;
            var value = 0.0;
            for (var harmonic = 1; harmonic <= 8; harmonic++)
            {
                value += Math.Sin(2 * Math.PI * 140 * harmonic * t) / harmonic;
            }

            var sample = (short)Math.Clamp(6_000 * value + noise.Next(-300, 300), short.MinValue, short.MaxValue);
            BitConverter.TryWriteBytes(pcm.AsSpan(2 * i), sample);
        }

        return pcm;
    }
}
