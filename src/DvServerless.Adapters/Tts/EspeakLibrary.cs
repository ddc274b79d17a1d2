using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// espeak-ng loaded in the process (<c>libespeak-ng.so.1</c>). The library is one global synthesizer (one voice, one callback, static buffers), so every
/// synthesis in the process goes through this one gate, one at a time. Synthesis is fast (≈ 2 ms per sentence,
/// OFFLINE-SPEECH.md §3.2), so waiting for the gate costs little.
/// </summary>
internal static class EspeakLibrary
{
    // Audio reaches the callback in blocks of this many milliseconds: the granularity of streaming.
    private const int CallbackBlockMs = 100;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Lazy<int> SampleRateValue = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);
    private static Synthesis? s_current;
    private static string? s_voice;

    /// <summary>espeak-ng's output rate (22050 Hz), or 0 when the library or its data cannot be loaded.</summary>
    public static int SampleRate => SampleRateValue.Value;

    /// <summary>Whether in-process synthesis works here.</summary>
    public static bool IsAvailable => SampleRate > 0;

    /// <summary>
    /// Speaks <paramref name="text"/> and hands each block of 22050 Hz samples to <paramref name="onAudio"/> as espeak
    /// produces it (on the synthesizing thread). Returns false for an unknown voice.
    /// </summary>
    public static async Task<bool> SynthesizeAsync(string text, string voice, int wordsPerMinute, int wordGapTens, Action<ReadOnlySpan<short>> onAudio, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("espeak-ng is not available in the process.");
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A sentence costs espeak tens to hundreds of milliseconds of CPU: on a thread of its own, not a pool thread,
            // where it would hold one of the pool's few threads (one per core by default) away from the calls' timers.
            return await Task.Factory.StartNew(() => SynthesizeLocked(text, voice, wordsPerMinute, wordGapTens, onAudio, cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static unsafe bool SynthesizeLocked(string text, string voice, int wordsPerMinute, int wordGapTens, Action<ReadOnlySpan<short>> onAudio, CancellationToken cancellationToken)
    {
        if (!string.Equals(s_voice, voice, StringComparison.Ordinal))
        {
            if (EspeakNative.SetVoiceByName(voice) != 0)
            {
                s_voice = null;
                return false;
            }

            s_voice = voice;
        }

        _ = EspeakNative.SetParameter(EspeakNative.ParameterRate, wordsPerMinute, 0);
        _ = EspeakNative.SetParameter(EspeakNative.ParameterWordGap, wordGapTens, 0);
        var utf8 = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, utf8);
        var synthesis = new Synthesis(onAudio, cancellationToken);
        s_current = synthesis;
        try
        {
            fixed (byte* pointer = utf8)
            {
                // With the end pause the audio matches the espeak-ng command's (and the cached prompts made with it).
                var result = EspeakNative.Synth(pointer, (nuint)utf8.Length, 0, 1, 0, EspeakNative.CharsUtf8 | EspeakNative.EndPause, 0, 0);
                if (synthesis.Failure is { } failure)
                {
                    throw new InvalidOperationException("Handling espeak-ng audio failed.", failure);
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (result != 0)
                {
                    throw new InvalidOperationException($"espeak_Synth failed ({result}).");
                }
            }
        }
        finally
        {
            s_current = null;
        }

        return true;
    }

    private static unsafe int Initialize()
    {
        try
        {
            var rate = EspeakNative.Initialize(EspeakNative.OutputSynchronous, CallbackBlockMs, 0, EspeakNative.InitializeDontExit);
            // With DONT_EXIT a missing espeak-ng-data does not stop initialization; loading a voice shows it.
            if (rate <= 0 || EspeakNative.SetVoiceByName("en-us") != 0)
            {
                return 0;
            }

            s_voice = "en-us";
            EspeakNative.SetSynthCallback(&OnAudio);
            return rate;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return 0;
        }
    }

    // Called by espeak-ng on the synthesizing thread. It must never throw into native code: failures are kept for
    // SynthesizeLocked, and returning 1 stops the synthesis.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnAudio(short* samples, int count, nint events)
    {
        var synthesis = s_current;
        if (synthesis is null || synthesis.Cancellation.IsCancellationRequested)
        {
            return 1;
        }

        if (samples is null || count <= 0)
        {
            return 0;
        }

        try
        {
            synthesis.OnAudio(new ReadOnlySpan<short>(samples, count));
            return 0;
        }
#pragma warning disable CA1031 // Any exception here would cross into native code and end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            synthesis.Failure = ex;
            return 1;
        }
    }

    private sealed class Synthesis(Action<ReadOnlySpan<short>> onAudio, CancellationToken cancellation)
    {
        public Action<ReadOnlySpan<short>> OnAudio { get; } = onAudio;

        public CancellationToken Cancellation { get; } = cancellation;

        public Exception? Failure { get; set; }
    }
}
