using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using DvServerless.Core.Audio;

namespace DvServerless.Benchmarks.Audio;

/// <summary>
/// The float implementation <see cref="PcmResampler"/> had before its fixed-point inner loop (issue 14), kept unchanged
/// here only so the benchmarks can measure old and new side by side in one run. Not used by any product code.
/// </summary>
/// <remarks>
/// <para>
/// The resampler is stateful: it keeps the last input samples of the filter window and the filter phase between calls,
/// so feeding a stream in chunks produces exactly the same samples as feeding it in one piece. One instance serves one
/// stream (one direction of one call); it is not thread-safe.
/// </para>
/// <para>
/// Output counts are exact and causal: after <c>n</c> input samples in total, exactly <c>ceil(n·L/M)</c> output samples
/// have been produced, where <c>L/M</c> is the reduced rate ratio. Every chunk that holds a multiple of <c>M</c> samples —
/// any whole 10 or 20 ms frame at these rates — therefore yields exactly <c>samples·L/M</c> samples (24→16 kHz:
/// 480 → 320; 16→24 kHz: 320 → 480; 24→8 kHz: 480 → 160). The price of causality is a fixed group delay of about half a
/// filter length (≈0.5 ms for 24↔16 kHz, ≈1 ms for 24→8 kHz), which is far below anything a caller can hear.
/// </para>
/// <para>
/// The filter is a Kaiser-windowed sinc (β = 5.65, ≈ 60 dB stop band) cut at 85 % of the lower Nyquist frequency, so
/// that the transition band ends near that Nyquist frequency and aliases are suppressed rather than folded into speech.
/// Taps per phase are 16 when upsampling and 16·M/L (24, 32 or 48) when downsampling: downsampling needs a
/// narrower transition band relative to the input rate. All coefficients are computed in the constructor;
/// <see cref="Process"/> does not allocate.
/// </para>
/// </remarks>
public sealed class FloatPcmResampler
{
    // Input is converted to float in blocks of this many samples; 960 = 40 ms at 24 kHz, so one 20 ms frame is one block.
    private const int BlockSamples = 960;

    // Whole vectors of 8 floats let the dot product run on Vector256 (or two Vector128) with no scalar tail.
    private const int TapAlignment = 8;

    private readonly int _up;        // L
    private readonly int _down;      // M
    private readonly int _taps;      // taps per phase (T)
    private readonly float[] _coefficients; // L phases × T taps, each phase stored oldest-sample-first
    private readonly float[] _window;       // (T − 1) history samples followed by one block of input
    private readonly float[] _sums;         // filter outputs of one block before rounding to PCM16
    private readonly int[] _advance;        // per phase: input samples to step to the next output
    private readonly int[] _nextPhase;      // per phase: the phase of the next output

    // Where the next output sample sits: input index (relative to the start of the next input) and filter phase.
    private int _nextInput;
    private int _phase;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> (each 8000, 16000 or 24000 Hz).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not 8000, 16000 or 24000.</exception>
    public FloatPcmResampler(int inputRate, int outputRate)
    {
        ThrowIfUnsupported(inputRate, nameof(inputRate));
        ThrowIfUnsupported(outputRate, nameof(outputRate));
        InputRate = inputRate;
        OutputRate = outputRate;

        var divisor = GreatestCommonDivisor(inputRate, outputRate);
        _up = outputRate / divisor;
        _down = inputRate / divisor;
        if (IsPassThrough)
        {
            _taps = 1;
            _coefficients = [];
            _window = [];
            _sums = [];
            _advance = [];
            _nextPhase = [];
            return;
        }

        var tapsPerPhase = 16 * Math.Max(1, (_down + _up - 1) / _up);
        _taps = (tapsPerPhase + TapAlignment - 1) / TapAlignment * TapAlignment;
        _coefficients = DesignPolyphaseFilter(_up, _down, _taps);
        _window = new float[_taps - 1 + BlockSamples];
        _sums = new float[BlockSamples * _up / _down + 1];

        // Output k sits at k·M on the L-times upsampled grid: input index k·M / L, filter phase k·M mod L.
        _advance = new int[_up];
        _nextPhase = new int[_up];
        for (var phase = 0; phase < _up; phase++)
        {
            _advance[phase] = (phase + _down) / _up;
            _nextPhase[phase] = (phase + _down) % _up;
        }
    }

    /// <summary>Creates a resampler between two PCM16 formats.</summary>
    /// <exception cref="ArgumentException">A format is not PCM16.</exception>
    public FloatPcmResampler(AudioFormat input, AudioFormat output)
        : this(RequirePcm16(input, nameof(input)).SampleRate, RequirePcm16(output, nameof(output)).SampleRate)
    {
    }

    /// <summary>The input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>The output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>True when both rates are equal and <see cref="Process"/> only copies.</summary>
    public bool IsPassThrough => _up == _down;

    /// <summary>Taps per polyphase branch (the cost per output sample); 1 for a pass-through.</summary>
    public int TapsPerPhase => _taps;

    /// <summary>Whether a rate can be resampled by this type.</summary>
    public static bool IsSupportedRate(int sampleRate) => sampleRate is 8_000 or 16_000 or 24_000;

    /// <summary>
    /// A whole utterance (a prompt, a caller recording, a comfort-noise bed) converted from <paramref name="fromRate"/> to
    /// <paramref name="toRate"/> in one go; <paramref name="pcm"/> itself when the rates are equal. An odd last byte is dropped.
    /// </summary>
    public static byte[] Convert(byte[] pcm, int fromRate, int toRate)
    {
        ArgumentNullException.ThrowIfNull(pcm);
        if (fromRate == toRate)
        {
            return pcm;
        }

        var even = pcm.Length & ~1;
        var resampler = new FloatPcmResampler(fromRate, toRate);
        var output = new byte[resampler.GetOutputByteCount(even)];
        var written = resampler.Process(pcm.AsSpan(0, even), output);
        return written == output.Length ? output : output[..written];
    }

    /// <summary>
    /// The exact number of bytes the next <see cref="Process"/> call writes for <paramref name="inputBytes"/> bytes of input,
    /// given the current state. For whole 10/20 ms frames this is always <c>inputBytes · OutputRate / InputRate</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputBytes"/> is negative or odd.</exception>
    public int GetOutputByteCount(int inputBytes)
    {
        ThrowIfNotWholeSamples(inputBytes);
        return OutputSamplesFor(inputBytes / 2) * 2;
    }

    /// <summary>
    /// The largest number of bytes <see cref="Process"/> can write for <paramref name="inputBytes"/> bytes in any state;
    /// use it to size a buffer once.
    /// </summary>
    public int GetMaxOutputByteCount(int inputBytes)
    {
        ThrowIfNotWholeSamples(inputBytes);
        // Output positions start at t0 ≥ 0, so the count is largest when t0 = 0: ceil(n·L/M).
        return (int)(((long)inputBytes / 2 * _up + _down - 1) / _down) * 2;
    }

    /// <summary>
    /// Resamples <paramref name="input"/> (PCM16 little-endian mono) into <paramref name="output"/> and returns the
    /// number of bytes written, which is <see cref="GetOutputByteCount"/> of the input length.
    /// </summary>
    /// <exception cref="ArgumentException">The input length is odd or the output is too small; the state is unchanged.</exception>
    public int Process(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var outputBytes = GetOutputByteCount(input.Length);
        if (output.Length < outputBytes)
        {
            throw new ArgumentException($"The output needs {outputBytes} bytes but has {output.Length}.", nameof(output));
        }

        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }

        var written = 0;
        var samples = MemoryMarshal.Cast<byte, short>(input);
        var destination = MemoryMarshal.Cast<byte, short>(output[..outputBytes]);
        while (samples.Length > 0)
        {
            var block = Math.Min(samples.Length, BlockSamples);
            written += ProcessBlock(samples[..block], destination[written..]);
            samples = samples[block..];
        }

        return written * 2;
    }

    /// <summary>Forgets all history, as if no audio had been processed (e.g. at the start of a new utterance).</summary>
    public void Reset()
    {
        Array.Clear(_window);
        _nextInput = 0;
        _phase = 0;
    }

    private int OutputSamplesFor(int inputSamples)
    {
        if (IsPassThrough)
        {
            return inputSamples;
        }

        // Outputs k = 0, 1, ... sit at upsampled positions t0 + k·M; each is ready once its input index t / L has arrived.
        long start = (long)_nextInput * _up + _phase;
        long end = (long)inputSamples * _up;
        return end <= start ? 0 : (int)((end - start + _down - 1) / _down);
    }

    private int ProcessBlock(ReadOnlySpan<short> block, Span<short> destination)
    {
        var history = _taps - 1;
        var window = _window;
        ConvertToFloat(block, window.AsSpan(history, block.Length));

        var written = 0;
        var position = _nextInput;
        var phase = _phase;
        var sums = _sums;
        var taps = _taps;
        var advance = _advance;
        var nextPhase = _nextPhase;
        ref var windowStart = ref MemoryMarshal.GetArrayDataReference(window);
        ref var coefficientStart = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        while (position < block.Length)
        {
            // The window for input index `position` is window[position .. position + T): the T newest samples up to it.
            sums[written++] = Dot(ref Unsafe.Add(ref coefficientStart, phase * taps), ref Unsafe.Add(ref windowStart, position), taps);
            position += advance[phase];
            phase = nextPhase[phase];
        }

        _nextInput = position - block.Length;
        _phase = phase;
        ConvertToPcm(sums.AsSpan(0, written), destination[..written]);

        // Keep the newest T − 1 samples as history for the next block.
        window.AsSpan(block.Length, history).CopyTo(window);
        return written;
    }

    private static void ConvertToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - 16; i += 16)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref from, (nuint)i));
                Vector256.ConvertToSingle(low).StoreUnsafe(ref to, (nuint)i);
                Vector256.ConvertToSingle(high).StoreUnsafe(ref to, (nuint)(i + 8));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = BitConverter.IsLittleEndian ? source[i] : BinaryPrimitives.ReverseEndianness(source[i]);
        }
    }

    private static void ConvertToPcm(ReadOnlySpan<float> source, Span<short> destination)
    {
        // Round half to even and saturate: filter overshoot on full-scale input must clip, never wrap around.
        var i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var min = Vector256.Create(-32768f);
            var max = Vector256.Create(32767f);
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - 16; i += 16)
            {
                var low = Vector256.ConvertToInt32(Vector256.Round(Vector256.MinNative(Vector256.MaxNative(Vector256.LoadUnsafe(ref from, (nuint)i), min), max)));
                var high = Vector256.ConvertToInt32(Vector256.Round(Vector256.MinNative(Vector256.MaxNative(Vector256.LoadUnsafe(ref from, (nuint)(i + 8)), min), max)));
                Vector256.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            var sample = (short)MathF.Round(Math.Clamp(source[i], -32768f, 32767f));
            destination[i] = BitConverter.IsLittleEndian ? sample : BinaryPrimitives.ReverseEndianness(sample);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ref float coefficients, ref float samples, int count)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (var i = 0; i < count; i += 8)
            {
                acc = Vector256.FusedMultiplyAdd(
                    Vector256.LoadUnsafe(ref coefficients, (nuint)i),
                    Vector256.LoadUnsafe(ref samples, (nuint)i),
                    acc);
            }

            return Vector256.Sum(acc);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var acc = Vector128<float>.Zero;
            for (var i = 0; i < count; i += 4)
            {
                acc += Vector128.LoadUnsafe(ref coefficients, (nuint)i) * Vector128.LoadUnsafe(ref samples, (nuint)i);
            }

            return Vector128.Sum(acc);
        }

        var total = 0f;
        for (var i = 0; i < count; i++)
        {
            total += Unsafe.Add(ref coefficients, i) * Unsafe.Add(ref samples, i);
        }

        return total;
    }

    // The product's design, in float: the comparison is between the two filters' arithmetic, not their coefficients.
    private static float[] DesignPolyphaseFilter(int up, int down, int tapsPerPhase) =>
        Array.ConvertAll(PcmResampler.DesignPolyphaseFilter(up, down, tapsPerPhase), coefficient => (float)coefficient);


    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static void ThrowIfUnsupported(int rate, string name)
    {
        if (!IsSupportedRate(rate))
        {
            throw new ArgumentOutOfRangeException(name, rate, "Only 8000, 16000 and 24000 Hz are supported.");
        }
    }

    private static AudioFormat RequirePcm16(AudioFormat format, string name) =>
        format.Encoding == AudioEncoding.Pcm16
            ? format
            : throw new ArgumentException($"The resampler needs PCM16 audio, not {format}.", name);

    private static void ThrowIfNotWholeSamples(int bytes)
    {
        if (bytes < 0 || (bytes & 1) != 0)
        {
            throw new ArgumentException($"PCM16 audio needs a non-negative, even byte count; got {bytes}.", nameof(bytes));
        }
    }
}
