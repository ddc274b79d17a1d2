using System.Buffers;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using DvServerless.Adapters.Acs.Media;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Legs;
using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Benchmarks.Frames;

/// <summary>
/// One 20 ms frame through the whole media path of a call, per direction, from wire JSON to wire JSON, with the pieces
/// the call loop uses (no sockets, no thread hand-offs: those are <c>CallLoopPassThroughBenchmarks</c>):
/// caller: ACS <c>AudioData</c> → PCM → resample to 24 kHz if the leg is 16 kHz → Realtime <c>input_audio_buffer.append</c>;
/// agent: Realtime <c>response.output_audio.delta</c> → pooled engine event → resample → playout → paced ACS <c>AudioData</c>.
/// Budget (issue 14): at most 1 µs and 0 bytes allocated per frame and direction. <c>scripts/bench-frames.sh</c> runs it
/// next to the Node peer in <c>bench/node/frame-path.mjs</c> on the same frames.
/// </summary>
[MemoryDiagnoser]
public class FramePathBenchmarks : IDisposable
{
    private byte[] _acsInbound = [];
    private readonly DvServerless.Core.Text.Utf8StringCache _participants = new();
    private byte[] _realtimeDelta = [];
    private IFrameResampler? _callerResampler;
    private IFrameResampler? _agentResampler;
    private RealtimeClientEventWriter _appendWriter = null!;
    private RealtimeAudioDeltaReader _deltaReader = null!;
    private FakeTimeProvider _time = null!;
    private AcsEncodingLeg _leg = null!;
    private PlayoutClock _playout = null!;

    /// <summary>The ACS leg's sample rate; the engine is 24 kHz.</summary>
    [ParamsSource(nameof(LegRates))]
    public int LegRate { get; set; }

    /// <summary>The leg rates measured.</summary>
    public virtual IEnumerable<int> LegRates => [24_000, 16_000];

    [GlobalSetup]
    public void Setup()
    {
        var legFormat = new AudioFormat(LegRate);
        _acsInbound = BenchFrames.AcsInbound(LegRate);
        _realtimeDelta = BenchFrames.RealtimeDelta();
        _callerResampler = legFormat == AudioFormat.Pcm24k ? null : CreateResampler(legFormat, AudioFormat.Pcm24k);
        _agentResampler = legFormat == AudioFormat.Pcm24k ? null : CreateResampler(AudioFormat.Pcm24k, legFormat);
        _appendWriter = new RealtimeClientEventWriter();
        _deltaReader = new RealtimeAudioDeltaReader();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        _leg = new AcsEncodingLeg();
        _playout = new PlayoutClock(_leg, legFormat, AudioFormat.Pcm24k, _time, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Caller → engine: what the worker does with each ACS frame, up to the bytes it sends to the Realtime socket.</summary>
    [Benchmark]
    public int CallerFrameToRealtimeAppend()
    {
        using var message = AcsMediaStreamCodec.Parse(_acsInbound, _participants);
        var audio = _callerResampler is null ? message.Audio.Span : _callerResampler.Process(message.Audio.Span).Span;
        _appendWriter.WriteInputAudioAppend(audio);
        return _appendWriter.WrittenMemory.Length;
    }

    /// <summary>
    /// Engine → caller: one Realtime delta read into a pooled event, handled as the call loop does (append to the playout,
    /// release), 20 ms of clock, and the playout's paced frame encoded as the ACS leg sends it.
    /// </summary>
    [Benchmark]
    public int RealtimeDeltaToAcsFrame()
    {
        _deltaReader.TryRead(_realtimeDelta, out var delta);
        var audio = delta!.Audio.Span;
        _playout.Append(delta.ResponseId, delta.ItemId, delta.ContentIndex, audio.Length,
            _agentResampler is null ? audio : _agentResampler.Process(audio).Span);
        delta.Release();
        _time.Advance(TimeSpan.FromMilliseconds(20));
        var pump = _playout.PumpAsync(CancellationToken.None);
        if (!pump.IsCompletedSuccessfully)
        {
            // The leg's send is synchronous, so the pump is too; anything else would measure something else.
            throw new InvalidOperationException("The playout pump did not complete synchronously.");
        }

        return _leg.LastFrameBytes;
    }

    /// <summary>The resampler of one direction: the call loop's own resampling buffer.</summary>
    protected virtual IFrameResampler CreateResampler(AudioFormat input, AudioFormat output) => new ProductFrameResampler(input, output);

    /// <summary>Releases the playout, the resampling buffers and the writer. BenchmarkDotNet calls it once after the runs.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _playout?.Dispose();
        _callerResampler?.Dispose();
        _agentResampler?.Dispose();
        _appendWriter?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A leg that encodes each outbound frame as the ACS leg does before its socket write.</summary>
    private sealed class AcsEncodingLeg : ICallLeg
    {
        private readonly ArrayBufferWriter<byte> _json = new(4096);

        public ChannelReader<PooledAudio> Inbound { get; } = Channel.CreateUnbounded<PooledAudio>().Reader;

        public int LastFrameBytes { get; private set; }

        public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AudioFormat?>(null);

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        {
            _json.ResetWrittenCount();
            LastFrameBytes = AcsMediaStreamCodec.WriteAudioData(audio.Span, _json);
            return ValueTask.CompletedTask;
        }

        public ValueTask StopAudioAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
