using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DvServerless.Core.Audio;

/// <summary>
/// Converts a stream of PCM16 mono audio between 8, 16 and 24 kHz with a windowed-sinc polyphase FIR filter.
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
/// Taps per phase are 16 when upsampling and 16·⌈M/L⌉ (32 or 48) when downsampling: downsampling needs a
/// narrower transition band relative to the input rate. All coefficients are computed in the constructor;
/// <see cref="Process"/> does not allocate.
/// </para>
/// <para>
/// The filter runs in fixed point on the PCM16 samples as they arrive: coefficients are rounded once to 16-bit integers
/// with <see cref="FractionBits"/> fraction bits (chosen per filter so that no input can overflow the 32-bit sums), and
/// each output is one exact integer dot product, rounded and saturated to PCM16. With AVX2 eight outputs are computed
/// together, sixteen 16-bit products per instruction; elsewhere a portable kernel gives bit-identical results.
/// </para>
/// </remarks>
public sealed partial class PcmResampler
{
    // The window holds this many input samples after its history; 960 = 40 ms at 24 kHz, so one 20 ms frame is one block.
    private const int BlockSamples = 960;

    // Whole vectors of 16 int16 let the AVX2 dot product (and two Vector128 halves) run with no scalar tail.
    private const int TapAlignment = 16;

    private readonly int _up;        // L
    private readonly int _down;      // M
    private readonly int _taps;      // taps per phase (T)
    private readonly short[] _coefficients; // L phases × T taps in fixed point, each phase stored oldest-sample-first
    private readonly short[] _window;       // (T − 1) history samples followed by one block of input
    private readonly int[] _sums;           // exact filter outputs of one block, FractionBits above PCM16 scale
    private readonly int[] _advance;        // per phase: input samples to step to the next output
    private readonly int[] _nextPhase;      // per phase: the phase of the next output
    private readonly OutputGroups _groups;  // the same steps, eight outputs at a time
    private readonly FilterKernel _kernel;

    // Where the next output sample sits: input index (relative to the start of the next input) and filter phase.
    private int _nextInput;
    private int _phase;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> (each 8000, 16000 or 24000 Hz).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not 8000, 16000 or 24000.</exception>
    public PcmResampler(int inputRate, int outputRate)
        : this(inputRate, outputRate, FastestKernel)
    {
    }

    /// <summary>Creates a resampler between two PCM16 formats.</summary>
    /// <exception cref="ArgumentException">A format is not PCM16.</exception>
    public PcmResampler(AudioFormat input, AudioFormat output)
        : this(RequirePcm16(input, nameof(input)).SampleRate, RequirePcm16(output, nameof(output)).SampleRate)
    {
    }

    /// <summary>Creates a resampler that runs <paramref name="kernel"/>; tests use it to check every kernel against the others.</summary>
    internal PcmResampler(int inputRate, int outputRate, FilterKernel kernel)
    {
        ThrowIfUnsupported(inputRate, nameof(inputRate));
        ThrowIfUnsupported(outputRate, nameof(outputRate));
        if (kernel == FilterKernel.Avx2 && !Avx2.IsSupported)
        {
            throw new PlatformNotSupportedException("This processor has no AVX2.");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        _kernel = kernel;

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
            _groups = new OutputGroups([], [], [], []);
            return;
        }

        var tapsPerPhase = 16 * Math.Max(1, (_down + _up - 1) / _up);
        _taps = (tapsPerPhase + TapAlignment - 1) / TapAlignment * TapAlignment;
        (_coefficients, FractionBits) = ToFixedPoint(DesignPolyphaseFilter(_up, _down, _taps), _up, _taps);
        _window = new short[_taps - 1 + BlockSamples];
        _sums = new int[BlockSamples * _up / _down + 1];

        // Output k sits at k·M on the L-times upsampled grid: input index k·M / L, filter phase k·M mod L.
        _advance = new int[_up];
        _nextPhase = new int[_up];
        for (var phase = 0; phase < _up; phase++)
        {
            _advance[phase] = (phase + _down) / _up;
            _nextPhase[phase] = (phase + _down) % _up;
        }

        _groups = OutputGroups.Create(_advance, _nextPhase, _taps);
    }

    /// <summary>The input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>The output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>True when both rates are equal and <see cref="Process"/> only copies.</summary>
    public bool IsPassThrough => _up == _down;

    /// <summary>Taps per polyphase branch (the cost per output sample); 1 for a pass-through.</summary>
    public int TapsPerPhase => _taps;

    /// <summary>Fraction bits of the fixed-point coefficients (a coefficient c is stored as round(c·2^FractionBits)); 0 for a pass-through.</summary>
    internal int FractionBits { get; }

    /// <summary>The fixed-point coefficients, <see cref="TapsPerPhase"/> per phase, each phase oldest-sample-first.</summary>
    internal ReadOnlySpan<short> FixedPointCoefficients => _coefficients;

    /// <summary>The kernel the public constructors choose on this processor.</summary>
    internal static FilterKernel FastestKernel =>
        Avx2.IsSupported ? FilterKernel.Avx2 : Vector128.IsHardwareAccelerated ? FilterKernel.Vector128 : FilterKernel.Scalar;

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
        var resampler = new PcmResampler(fromRate, toRate);
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
        var incoming = _window.AsSpan(history, block.Length);
        if (BitConverter.IsLittleEndian)
        {
            block.CopyTo(incoming);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(block, incoming);
        }

        // The window for input index `position` is window[position .. position + T): the T newest samples up to it.
        var position = _nextInput;
        var phase = _phase;
        var written = _kernel == FilterKernel.Avx2
            ? FilterAvx2(block.Length, ref position, ref phase)
            : FilterEach(block.Length, ref position, ref phase);
        _nextInput = position - block.Length;
        _phase = phase;
        ToPcm(_sums.AsSpan(0, written), destination[..written], FractionBits);

        // Keep the newest T − 1 samples as history for the next block.
        _window.AsSpan(block.Length, history).CopyTo(_window);
        return written;
    }

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
