using System.Diagnostics;
using System.Globalization;
using DvServerless.Core.Audio;

namespace DvServerless.Cli.Calls;

/// <summary>Speaks the caller's lines with espeak-ng (converted to PCM by sox) and joins them with pauses.</summary>
public static class CallerAudioSynthesizer
{
    /// <summary>Whether espeak-ng and sox are installed.</summary>
    public static bool IsAvailable => OnPath("espeak-ng") && OnPath("sox");

    /// <summary>Returns PCM16 mono at <paramref name="format"/>'s rate: each utterance followed by <paramref name="pause"/>.</summary>
    public static Task<byte[]> SynthesizeAsync(IReadOnlyList<string> utterances, TimeSpan pause, AudioFormat format, CancellationToken cancellationToken) =>
        SynthesizeAsync(utterances, pause, format, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Returns PCM16 mono at <paramref name="format"/>'s rate: <paramref name="leadingSilence"/>, then each utterance
    /// followed by <paramref name="pause"/>.
    /// </summary>
    public static async Task<byte[]> SynthesizeAsync(IReadOnlyList<string> utterances, TimeSpan pause, AudioFormat format, TimeSpan leadingSilence,
        CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("espeak-ng and sox are needed to speak the demo caller (scripts/install-tools.sh installs them), or pass --wav FILE.");
        }

        var folder = Directory.CreateTempSubdirectory("dvs-caller-");
        try
        {
            using var pcm = new MemoryStream();
            var silence = new byte[(int)(format.BytesPerMillisecond * pause.TotalMilliseconds) & ~1];
            pcm.Write(new byte[(int)(format.BytesPerMillisecond * leadingSilence.TotalMilliseconds) & ~1]);
            for (var i = 0; i < utterances.Count; i++)
            {
                var spoken = Path.Combine(folder.FullName, $"u{i}.wav");
                var converted = Path.Combine(folder.FullName, $"u{i}.raw.wav");
                await RunAsync("espeak-ng", ["-v", "en-us", "-s", "165", "-w", spoken, utterances[i]], cancellationToken).ConfigureAwait(false);
                await RunAsync("sox", [spoken, "-r", format.SampleRate.ToString(CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", converted], cancellationToken).ConfigureAwait(false);
                var wav = WavFile.Read(await File.ReadAllBytesAsync(converted, cancellationToken).ConfigureAwait(false));
                pcm.Write(wav.Pcm);
                if (i < utterances.Count - 1)
                {
                    pcm.Write(silence);
                }
            }

            return pcm.ToArray();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed with exit code {process.ExitCode}: {await error.ConfigureAwait(false)}");
        }
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
        .Any(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, name)));
}
