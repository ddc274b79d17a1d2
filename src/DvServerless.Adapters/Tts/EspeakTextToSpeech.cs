using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// Offline TTS with espeak-ng, so everything works with no provider key. In the process through <c>libespeak-ng.so.1</c>
/// when it is installed (≈ 2 ms per sentence, audio streamed as espeak produces it, resampled from its 22050 Hz to the
/// leg's rate); otherwise the espeak-ng command with sox. The voice is an espeak-ng voice name (<c>en-us</c>, <c>ko</c>).
/// </summary>
public sealed class EspeakTextToSpeech : IStreamingTextToSpeech
{
    /// <inheritdoc />
    public string Provider => "espeak";

    /// <inheritdoc />
    public string DefaultModel => "espeak-ng";

    /// <summary>Whether espeak-ng can speak here: in the process, or through the espeak-ng and sox commands on PATH.</summary>
    public static bool IsAvailable => IsInProcessAvailable || IsCommandAvailable;

    /// <summary>Whether <c>libespeak-ng.so.1</c> and its data load in this process.</summary>
    public static bool IsInProcessAvailable => EspeakLibrary.IsAvailable;

    /// <summary>Whether the espeak-ng and sox commands are on PATH (the fallback).</summary>
    public static bool IsCommandAvailable => OnPath("espeak-ng") && OnPath("sox");

    /// <inheritdoc />
    public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsInProcessAvailable)
        {
            return await SynthesizeWithCommandsAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var audio = new MemoryStream();
        await foreach (var chunk in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            audio.Write(chunk.Span);
        }

        return audio.ToArray();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsInProcessAvailable)
        {
            yield return await SynthesizeWithCommandsAsync(request, cancellationToken).ConfigureAwait(false);
            yield break;
        }

        if (request.OutputFormat.Encoding != AudioEncoding.Pcm16 || request.OutputFormat.SampleRate <= 0)
        {
            throw new TextToSpeechException(Provider, $"espeak-ng speaks PCM16, not {request.OutputFormat}.");
        }

        var (voice, wordsPerMinute, gapTens) = VoiceSettings(request);
        var chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var resampler = new RationalResampler(EspeakLibrary.SampleRate, request.OutputFormat.SampleRate);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var synthesis = RunSynthesisAsync();
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }

            await synthesis.ConfigureAwait(false);
        }
        finally
        {
            // The reader stopped early (or failed): stop espeak at its next block and wait, so the engine is free again.
            await stop.CancelAsync().ConfigureAwait(false);
            await synthesis.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        async Task RunSynthesisAsync()
        {
            try
            {
                var known = await EspeakLibrary.SynthesizeAsync(request.Text, voice, wordsPerMinute, gapTens, samples =>
                {
                    var pcm = resampler.Process(samples);
                    if (pcm.Length > 0)
                    {
                        chunks.Writer.TryWrite(pcm);
                    }
                }, stop.Token).ConfigureAwait(false);
                chunks.Writer.TryComplete(known ? null : new TextToSpeechException(Provider, $"espeak-ng has no voice '{voice}'."));
            }
            catch (OperationCanceledException ex)
            {
                chunks.Writer.TryComplete(ex);
            }
            catch (InvalidOperationException ex)
            {
                chunks.Writer.TryComplete(new TextToSpeechException(Provider, ex.Message, inner: ex));
            }
        }
    }

    private async Task<byte[]> SynthesizeWithCommandsAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        if (!IsCommandAvailable)
        {
            throw new TextToSpeechException(Provider, "Offline TTS needs libespeak-ng1 and espeak-ng-data, or espeak-ng and sox on PATH (apt-get install espeak-ng sox).");
        }

        var (voice, wordsPerMinute, gapTens) = VoiceSettings(request);
        var wav = await RunAsync("espeak-ng", ["-v", voice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-g", gapTens.ToString(CultureInfo.InvariantCulture), "--stdout", "--", request.Text], null, cancellationToken).ConfigureAwait(false);
        var rate = request.OutputFormat.SampleRate.ToString(CultureInfo.InvariantCulture);
        // Raw PCM out: a WAV written to a pipe cannot have its sizes patched afterwards (sox leaves 0x7FFFF000 there).
        var pcm = await RunAsync("sox", ["-t", "wav", "-", "-r", rate, "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-t", "raw", "-"], wav, cancellationToken).ConfigureAwait(false);
        return pcm.Length % 2 == 0 ? pcm : pcm[..^1];
    }

    // Speed 1.0 is espeak's 165 words per minute; the word gap is in units of 10 ms (the CLI's -g).
    private static (string Voice, int WordsPerMinute, int GapTens) VoiceSettings(TtsRequest request)
    {
        var options = request.EffectiveOptions.Clamped();
        var wordsPerMinute = (int)Math.Round(165 * options.Speed);
        var gapTens = options.Pauses switch { TtsPauses.Long => 8, TtsPauses.Short => 0, _ => 2 };
        var voice = string.IsNullOrWhiteSpace(request.Voice) ? "en-us" : request.Voice;
        return (voice, wordsPerMinute, gapTens);
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
