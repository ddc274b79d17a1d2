using Xunit;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Testing;

/// <summary>
/// Test speech made with espeak-ng and converted by sox to 16-bit mono PCM WAV at the rate asked for. Results are cached
/// in the temp folder by text and rate. Tests that need it are skipped (outside CI) when the tools are missing.
/// </summary>
public static class SpeechAudio
{
    /// <summary>Whether espeak-ng and sox are on PATH.</summary>
    public static bool Available => ExternalCommand.IsOnPath("espeak-ng") && ExternalCommand.IsOnPath("sox");

    /// <summary>Skips (outside CI) when espeak-ng or sox is missing.</summary>
    public static void Require()
    {
        var reason = "espeak-ng and sox are needed to make test speech (the README's test command installs them).";
        if (!Available && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(!Available, reason);
    }

    /// <summary>Speaks <paramref name="text"/> into a WAV file (PCM16 mono at <paramref name="sampleRate"/>) and returns its path.</summary>
    public static string SynthesizeWav(string text, int sampleRate = 24_000, string voice = "en-us")
    {
        Require();
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{voice}|{sampleRate}|{text}")))[..16];
        var folder = Path.Combine(Path.GetTempPath(), "dvs-test-speech");
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{key}.wav");
        if (File.Exists(target))
        {
            return target;
        }

        var raw = Path.Combine(folder, $"{key}.espeak.wav");
        Run("espeak-ng", "-v", voice, "-s", "165", "-w", raw, text);
        var temp = target + "." + Guid.NewGuid().ToString("N") + ".wav";
        Run("sox", raw, "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", temp);
        File.Move(temp, target, overwrite: true);
        File.Delete(raw);
        return target;
    }

    private static void Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {error}");
        }
    }
}
