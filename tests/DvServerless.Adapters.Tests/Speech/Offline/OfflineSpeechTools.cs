using System.Diagnostics;
using DvServerless.Adapters.Speech.Offline;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Testing;

namespace DvServerless.Adapters.Tests.Speech.Offline;

/// <summary>
/// The system packages the offline speech tests need: pocketsphinx with its US-English models (recognizer), flite (a
/// caller voice the recognizer has never heard) and libespeak-ng (the agent's voice). Missing packages skip the tests,
/// except under CI (<c>CI=true</c>), where they fail: <c>scripts/install-tools.sh</c> installs them.
/// </summary>
internal static class OfflineSpeechTools
{
    private const string Install = "run scripts/install-tools.sh (apt-get install libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us flite libespeak-ng1)";

    /// <summary>Skips (or fails under CI) unless pocketsphinx, its models and flite are installed.</summary>
    public static void RequireRecognizerAndFlite()
    {
        var missing = PocketSphinxSpeechToText.MissingPart(new PocketSphinxOptions())
            ?? (ExternalCommand.IsOnPath("flite") ? null : "the flite command");
        SkipOrFail(missing);
    }

    /// <summary>Skips (or fails under CI) unless libespeak-ng can synthesize in the process.</summary>
    public static void RequireInProcessEspeak() =>
        SkipOrFail(EspeakTextToSpeech.IsInProcessAvailable ? null : "libespeak-ng.so.1 with espeak-ng-data");

    /// <summary>
    /// Speaks <paramref name="text"/> with flite's <c>slt</c> voice (16 kHz natively) in a fresh process, which makes it
    /// byte-identical from run to run, and returns the PCM16 samples.
    /// </summary>
    public static byte[] Flite(string text, string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.wav");
        var info = new ProcessStartInfo("flite") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-voice", "slt", "-t", text, "-o", path })
        {
            info.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(info)!)
        {
            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"flite failed ({process.ExitCode}): {error}");
            }
        }

        var wav = WavFile.ReadFile(path);
        Assert.Equal(16_000, wav.Format.SampleRate);
        return wav.Pcm;
    }

    /// <summary>Quiet white noise (deterministic) at about <paramref name="levelDbfs"/>, like a quiet line, never digital zero.</summary>
    public static byte[] Noise(int milliseconds, int seed, double levelDbfs = -60)
    {
        var samples = 16 * milliseconds;
        var pcm = new byte[samples * 2];
        var random = new Random(seed);
        // Uniform noise in ±a has RMS a/√3.
        var amplitude = AudioLevel.FromDbfs(levelDbfs) * 32768 * Math.Sqrt(3);
        for (var i = 0; i < samples; i++)
        {
            var sample = (short)Math.Round((random.NextDouble() * 2 - 1) * amplitude);
            pcm[2 * i] = (byte)sample;
            pcm[2 * i + 1] = (byte)(sample >> 8);
        }

        return pcm;
    }

    /// <summary>Where the last 20 ms frame at or above −40 dBFS ends, in ms: the end of the speech in a clip.</summary>
    public static double SpeechEndMs(byte[] pcm)
    {
        var end = 0.0;
        for (var offset = 0; offset + 640 <= pcm.Length; offset += 640)
        {
            if (AudioLevel.RmsDbfs(pcm.AsSpan(offset, 640)) >= -40)
            {
                end = (offset + 640) / 32.0;
            }
        }

        return end;
    }

    private static void SkipOrFail(string? missing)
    {
        if (missing is null)
        {
            return;
        }

        var reason = $"Offline speech test needs {missing}: {Install}.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(true, reason);
    }
}
