using System.Diagnostics;
using System.Globalization;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// Offline TTS with espeak-ng (speech to a WAV on stdout) and sox (to PCM16 mono at the leg's rate), so everything
/// works with no provider key. The voice is an espeak-ng voice name (<c>en-us</c>, <c>ko</c>).
/// </summary>
public sealed class EspeakTextToSpeech : ITextToSpeech
{
    /// <inheritdoc />
    public string Provider => "espeak";

    /// <inheritdoc />
    public string DefaultModel => "espeak-ng";

    /// <summary>Whether espeak-ng and sox are on PATH.</summary>
    public static bool IsAvailable => OnPath("espeak-ng") && OnPath("sox");

    /// <inheritdoc />
    public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsAvailable)
        {
            throw new TextToSpeechException(Provider, "Offline TTS needs espeak-ng and sox on PATH (apt-get install espeak-ng sox).");
        }

        var options = request.EffectiveOptions.Clamped();
        var wordsPerMinute = (int)Math.Round(165 * options.Speed);
        var gapTens = options.Pauses switch { TtsPauses.Long => 8, TtsPauses.Short => 0, _ => 2 };
        var voice = string.IsNullOrWhiteSpace(request.Voice) ? "en-us" : request.Voice;
        var wav = await RunAsync("espeak-ng", ["-v", voice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-g", gapTens.ToString(CultureInfo.InvariantCulture), "--stdout", "--", request.Text], null, cancellationToken).ConfigureAwait(false);
        var rate = request.OutputFormat.SampleRate.ToString(CultureInfo.InvariantCulture);
        // Raw PCM out: a WAV written to a pipe cannot have its sizes patched afterwards (sox leaves 0x7FFFF000 there).
        var pcm = await RunAsync("sox", ["-t", "wav", "-", "-r", rate, "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-t", "raw", "-"], wav, cancellationToken).ConfigureAwait(false);
        return pcm.Length % 2 == 0 ? pcm : pcm[..^1];
    }

    private async Task<byte[]> RunAsync(string file, string[] arguments, byte[]? input, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new TextToSpeechException(Provider, $"{file} could not be started.");
        using var kill = cancellationToken.Register(() => { try { process.Kill(); } catch (InvalidOperationException) { } });
        var errorTask = process.StandardError.ReadToEndAsync(cancellationToken);
        using var output = new MemoryStream();
        var outputTask = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        await outputTask.ConfigureAwait(false);
        var error = await errorTask.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new TextToSpeechException(Provider, $"{file} failed with exit code {process.ExitCode}: {error.Trim()}");
        }

        return output.ToArray();
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, name)));
}
