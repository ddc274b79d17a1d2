namespace DvServerless.Core.Audio;

/// <summary>
/// Streams PCM16 mono between any two rates with a rational ratio (espeak-ng's 22050 Hz to the leg's 8, 16 or 24 kHz,
/// which <see cref="PcmResampler"/> does not cover): a Kaiser-windowed sinc polyphase filter that keeps its
/// history between chunks, so chunked and whole input give the same samples. One instance per stream; not thread-safe.
/// </summary>
public sealed class RationalResampler
{
    private const double KaiserBeta = 5.65;
    private const double CutoffFraction = 0.85;

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

    private static float[] Design(int up, int down, int taps)
    {
        var length = up * taps;
        var cutoff = CutoffFraction / Math.Max(up, down); // of the upsampled rate's Nyquist frequency
        var center = (length - 1) / 2.0;
        var prototype = new double[length];
        var norm = BesselI0(KaiserBeta);
        for (var j = 0; j < length; j++)
        {
            var x = j - center;
            var sinc = x == 0 ? cutoff : Math.Sin(Math.PI * cutoff * x) / (Math.PI * x);
            var ratio = x / (center + 0.5);
            prototype[j] = sinc * BesselI0(KaiserBeta * Math.Sqrt(Math.Max(0, 1 - ratio * ratio))) / norm;
        }

        // Unity DC gain per phase, so a constant input stays constant whatever the phase.
        var coefficients = new float[length];
        for (var phase = 0; phase < up; phase++)
        {
            var sum = 0.0;
            for (var i = 0; i < taps; i++)
            {
                sum += prototype[phase + i * up];
            }

            for (var i = 0; i < taps; i++)
            {
                coefficients[phase * taps + (taps - 1 - i)] = (float)(prototype[phase + i * up] / sum);
            }
        }

        return coefficients;
    }

    private static double BesselI0(double x)
    {
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 50 && term >= sum * 1e-12; k++)
        {
            term *= half / k * (half / k);
            sum += term;
        }

        return sum;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
