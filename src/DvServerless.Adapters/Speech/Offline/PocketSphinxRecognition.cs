using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// One offline recognition: an energy VAD cuts the caller's audio into turns, pocketsphinx decodes each turn while it
/// is spoken (with the audio just before the onset), and the end of speech after the endpointing hangover is the end
/// of the turn.
/// </summary>
/// <remarks>
/// The sender only copies its audio into a pooled buffer and queues it; one worker task per recognition runs the VAD
/// and the decoder (2–4 ms of CPU per 20 ms with the language model), so a slow decode never holds up the call loop.
/// The VAD's clock is the audio itself, so the same audio always gives the same events.
/// </remarks>
internal sealed class PocketSphinxRecognition : ISpeechRecognition
{
    private const int FrameSamples = 320; // 20 ms at 16 kHz
    private const int FrameBytes = FrameSamples * 2;
    private static readonly AudioFormat Format = AudioFormat.Pcm16k;

    private readonly Channel<(byte[] Buffer, int Length)> _audio =
        Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<SpeechRecognitionEvent> _events =
        Channel.CreateUnbounded<SpeechRecognitionEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly PocketSphinxDecoder _decoder;
    private readonly PocketSphinxDecoderPool _pool;
    private readonly EnergyVad _vad;
    private readonly SpeechRecognitionOptions _options;
    private readonly int _partialIntervalMs;
    private readonly int _maxSegmentMs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _frame = new byte[FrameBytes];
    private readonly byte[][] _preRoll;
    private readonly Task _worker;
    private int _frameFill;
    private int _preRollStart;
    private int _preRollCount;
    private double _nextPartialMs;
    private double _segmentStartMs;
    private string _lastPartial = string.Empty;
    private bool _faulted;
    private int _disposed;

    public PocketSphinxRecognition(
        PocketSphinxDecoder decoder,
        PocketSphinxDecoderPool pool,
        PocketSphinxOptions settings,
        SpeechRecognitionOptions options,
        TimeProvider time,
        ILogger logger)
    {
        _decoder = decoder;
        _pool = pool;
        _options = options;
        _time = time;
        _logger = logger;
        _partialIntervalMs = settings.PartialIntervalMs;
        _maxSegmentMs = settings.MaxSegmentMs;
        _vad = new EnergyVad(settings.VadThresholdDbfs, settings.MinSpeechMs, Math.Max(0, options.EndpointingMs));
        _preRoll = new byte[Math.Max(1, settings.PreRollMs / 20)][];
        // Decoding is CPU work in native code, a burst of it whenever audio queues up: on a thread of its own, so it never
        // holds one of the thread pool's few threads (one per core by default) away from the calls' timers and sockets.
        _worker = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Milliseconds of audio the worker has processed.</summary>
    internal double ProcessedMs => _vad.ElapsedMs;

    /// <summary>How long the last end of turn took to compute (<c>ps_end_utt</c> + final hypothesis), wall time.</summary>
    internal TimeSpan LastFinalComputeTime { get; private set; }

    /// <summary>The CPU time of the last end of turn's computation, when the platform can tell.</summary>
    internal TimeSpan? LastFinalComputeCpuTime { get; private set; }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty || Volatile.Read(ref _disposed) != 0)
        {
            return ValueTask.CompletedTask;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(audio.Length);
        audio.Span.CopyTo(buffer);
        if (!_audio.Writer.TryWrite((buffer, audio.Length)))
        {
            // Audio after CompleteAsync has nowhere to go: the recognition is finishing.
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        _audio.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpeechRecognitionEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _audio.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(false);
        while (_audio.Reader.TryRead(out var chunk))
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }

        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            // This thread is the recognizer's own, so waiting for audio may block it.
            while (_audio.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (_audio.Reader.TryRead(out var chunk))
                {
                    try
                    {
                        Consume(chunk.Buffer.AsSpan(0, chunk.Length));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    }
                }
            }

            // The caller is done: decode what is left of a turn in progress and end it.
            if (_vad.InSpeech)
            {
                _decoder.Process(MemoryMarshal.Cast<byte, short>(_frame.AsSpan(0, _frameFill & ~1)));
                FinishTurn(_segmentStartMs, _vad.ElapsedMs);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the events simply end.
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _faulted = true;
            OfflineSpeechLog.RecognitionFailed(_logger, _options.CallId, ex.Message);
            _events.Writer.TryWrite(new SpeechRecognitionError($"pocketsphinx: {ex.Message}", Fatal: true));
        }
        finally
        {
            _events.Writer.TryComplete();
            ReleaseDecoder();
        }
    }

    private void Consume(ReadOnlySpan<byte> audio)
    {
        while (!audio.IsEmpty)
        {
            var take = Math.Min(FrameBytes - _frameFill, audio.Length);
            audio[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            audio = audio[take..];
            if (_frameFill == FrameBytes)
            {
                ProcessFrame(_frame);
                _frameFill = 0;
            }
        }
    }

    private void ProcessFrame(byte[] frame)
    {
        var decision = _vad.Process(frame, Format);
        switch (decision.Activity)
        {
            case VadActivity.Silence:
                RememberPreRoll(frame);
                break;
            case VadActivity.SpeechStarted:
                RememberPreRoll(frame);
                StartTurn(decision);
                break;
            case VadActivity.Speech:
                _decoder.Process(MemoryMarshal.Cast<byte, short>(frame.AsSpan()));
                if (decision.FrameEndMs - _segmentStartMs >= _maxSegmentMs)
                {
                    CutSegment(decision.FrameEndMs);
                }
                else
                {
                    ReportPartial(decision.FrameEndMs);
                }

                break;
            case VadActivity.SpeechStopped:
                _decoder.Process(MemoryMarshal.Cast<byte, short>(frame.AsSpan()));
                FinishTurn(_segmentStartMs, decision.SpeechEndMs ?? decision.FrameEndMs);
                break;
        }
    }

    private void StartTurn(VadDecision decision)
    {
        _decoder.StartUtterance();
        // The pre-roll (which holds the onset frames the VAD needed to be sure) goes in first, oldest first.
        for (var i = 0; i < _preRollCount; i++)
        {
            _decoder.Process(MemoryMarshal.Cast<byte, short>(_preRoll[(_preRollStart + i) % _preRoll.Length].AsSpan()));
        }

        _preRollCount = 0;
        _lastPartial = string.Empty;
        _nextPartialMs = decision.FrameEndMs + _partialIntervalMs;
        _segmentStartMs = decision.SpeechStartMs ?? decision.FrameEndMs;
        _events.Writer.TryWrite(new SpeechStarted(TimeSpan.FromMilliseconds(_segmentStartMs)));
    }

    private void ReportPartial(double nowMs)
    {
        if (!_options.InterimResults || nowMs < _nextPartialMs)
        {
            return;
        }

        _nextPartialMs = nowMs + _partialIntervalMs;
        var text = _decoder.Hypothesis().Trim();
        if (text.Length > 0 && !string.Equals(text, _lastPartial, StringComparison.Ordinal))
        {
            _lastPartial = text;
            _events.Writer.TryWrite(new SpeechPartial(text));
        }
    }

    // The caller is still speaking: what was said so far becomes a final segment, and decoding goes on in a new utterance.
    private void CutSegment(double nowMs)
    {
        _decoder.EndUtterance();
        var text = _decoder.Hypothesis().Trim();
        _events.Writer.TryWrite(new SpeechFinal(text, TimeSpan.FromMilliseconds(_segmentStartMs), TimeSpan.FromMilliseconds(nowMs), EndOfTurn: false));
        _decoder.StartUtterance();
        _segmentStartMs = nowMs;
        _lastPartial = string.Empty;
        _nextPartialMs = nowMs + _partialIntervalMs;
    }

    private void FinishTurn(double startMs, double endMs)
    {
        var started = _time.GetTimestamp();
        var cpuStarted = ThreadCpuClock.Now();
        _decoder.EndUtterance();
        var text = _decoder.Hypothesis().Trim();
        LastFinalComputeTime = _time.GetElapsedTime(started);
        LastFinalComputeCpuTime = ThreadCpuClock.Now() - cpuStarted;
        OfflineSpeechLog.TurnRecognized(_logger, _options.CallId, endMs - startMs, LastFinalComputeTime.TotalMilliseconds);
        _events.Writer.TryWrite(new SpeechFinal(text, TimeSpan.FromMilliseconds(startMs), TimeSpan.FromMilliseconds(endMs), EndOfTurn: true));
    }

    private void RememberPreRoll(byte[] frame)
    {
        var slot = (_preRollStart + _preRollCount) % _preRoll.Length;
        if (_preRollCount == _preRoll.Length)
        {
            _preRollStart = (_preRollStart + 1) % _preRoll.Length;
        }
        else
        {
            _preRollCount++;
        }

        var target = _preRoll[slot] ??= new byte[FrameBytes];
        frame.AsSpan().CopyTo(target);
    }

    private void ReleaseDecoder()
    {
        if (_faulted)
        {
            _decoder.Dispose();
            return;
        }

        if (_decoder.InUtterance)
        {
            // Disposed mid-turn: close the utterance so the decoder can serve the next call.
            try
            {
                _decoder.EndUtterance();
            }
            catch (InvalidOperationException)
            {
                _decoder.Dispose();
                return;
            }
        }

        _pool.Return(_decoder);
    }
}
