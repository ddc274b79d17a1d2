namespace DvServerless.Core.Audio;

/// <summary>
/// Streams PCM16 mono between any two rates with a rational ratio (espeak-ng's 22050 Hz to the leg's 8, 16 or 24 kHz,
/// which <see cref="PcmResampler"/> does not cover): a Kaiser-windowed sinc polyphase filter that keeps its
/// history between chunks, so chunked and whole input give the same samples. One instance per stream; not thread-safe.
/// </summary>
public sealed class RationalResampler
{
    private readonly int _up;
    private readonly int _down;
    private readonly int _taps;
    private readonly float[] _coefficients; // phase × taps, oldest sample first
    private float[] _window;                // taps − 1 history samples, then the chunk
    private int _nextInput;
    private int _phase;

    public RationalResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var divisor = GreatestCommonDivisor(inputRate, outputRate);
        _up = outputRate / divisor;
        _down = inputRate / divisor;
        // Downsampling needs a narrower transition band relative to the input rate, so more taps per phase.
        _taps = 16 * Math.Max(1, (_down + _up - 1) / _up);
        _coefficients = Design(_up, _down, _taps);
        _window = new float[_taps - 1 + 4096];
    }

    /// <summary>Resamples the next chunk and returns the PCM16 little-endian output it completes.</summary>
    public byte[] Process(ReadOnlySpan<short> input)
    {
        var history = _taps - 1;
        if (_window.Length < history + input.Length)
        {
            Array.Resize(ref _window, history + input.Length);
        }

        for (var i = 0; i < input.Length; i++)
        {
            _window[history + i] = input[i];
        }

        long start = (long)_nextInput * _up + _phase;
        long end = (long)input.Length * _up;
        var count = end <= start ? 0 : (int)((end - start + _down - 1) / _down);
        var output = new byte[count * 2];
        var position = _nextInput;
        var phase = _phase;
        for (var k = 0; k < count; k++)
        {
            // Output at input index `position` uses the T newest samples up to it: window[position .. position + T).
            var sum = 0f;
            var coefficients = phase * _taps;
            for (var j = 0; j < _taps; j++)
            {
                sum += _coefficients[coefficients + j] * _window[position + j];
            }

            var sample = (short)MathF.Round(Math.Clamp(sum, -32768f, 32767f));
            output[2 * k] = (byte)sample;
            output[2 * k + 1] = (byte)(sample >> 8);
            position += (phase + _down) / _up;
            phase = (phase + _down) % _up;
        }

        _nextInput = position - input.Length;
        _phase = phase;
        _window.AsSpan(input.Length, history).CopyTo(_window);
        return output;
    }

    // The same Kaiser-windowed sinc as PcmResampler's (one design for both), kept in float here: this one serves
    // espeak-ng's 22050 Hz, off the per-frame path.
    private static float[] Design(int up, int down, int taps) =>
        Array.ConvertAll(PcmResampler.DesignPolyphaseFilter(up, down, taps), coefficient => (float)coefficient);

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
