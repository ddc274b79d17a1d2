using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Legs;
using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Benchmarks.Calls;

/// <summary>
/// One 20 ms PCM 24 kHz frame through the pass-through path of the call loop, with in-memory fakes:
/// caller frame (leg) → engine, and agent delta → paced leg frame.
/// </summary>
[MemoryDiagnoser]
public class CallLoopPassThroughBenchmarks : IDisposable
{
    private const int FrameBytes = 960;
    private readonly byte[] _frame = new byte[FrameBytes];
    private FakeTimeProvider _time = null!;
    private BenchLeg _leg = null!;
    private BenchEngine _engine = null!;
    private CallLoop _loop = null!;
    private Task _run = null!;
    private CancellationTokenSource _stop = null!;
    private PlayoutClock _playout = null!;
    private BenchLeg _playoutLeg = null!;
    private bool _disposed;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_frame);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        _leg = new BenchLeg();
        _engine = new BenchEngine();
        _stop = new CancellationTokenSource();
        _loop = new CallLoop("bench", _leg, _engine, new CallLoopOptions(), new NullRecordSink(), new NullCallControl(), [], _time, null, NullLogger.Instance);
        _run = _loop.RunAsync(_stop.Token);

        _playoutLeg = new BenchLeg();
        _playout = new PlayoutClock(_playoutLeg, AudioFormat.Pcm24k, AudioFormat.Pcm24k, _time, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// Stops the loop, which disposes its leg and engine when its run ends, and releases the playout clock, its leg and
    /// the stop source. BenchmarkDotNet calls it once after the runs; a second call does nothing.
    /// </summary>
    [GlobalCleanup]
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _run.GetAwaiter().GetResult();
        _loop.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _playout.Dispose();
        _playoutLeg.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A caller frame arrives on the leg and the loop hands it to the engine, waiting for each one: this is dominated by
    /// waking the loop's thread and this one (two channel hand-offs), not by the pass-through code.
    /// </summary>
    [Benchmark]
    public async Task CallerFrameToEngine()
    {
        _leg.Push(PooledAudio.CopyOf(_frame));
        await _engine.NextAudioAsync();
    }

    private const int FramesPerSecond = 50;

    /// <summary>
    /// One second of caller audio (50 frames) through the pass-through path, reported per frame: the cost of the path
    /// itself (pooled copy in, loop, engine send) as the loop drains frames that are already queued.
    /// </summary>
    [Benchmark(OperationsPerInvoke = FramesPerSecond)]
    public async Task CallerFramesToEngine_PerFrame()
    {
        for (var i = 0; i < FramesPerSecond; i++)
        {
            _leg.Push(PooledAudio.CopyOf(_frame));
        }

        for (var i = 0; i < FramesPerSecond; i++)
        {
            await _engine.NextAudioAsync();
        }
    }

    /// <summary>An agent delta of one frame is queued, 20 ms pass, and the playout sends one paced frame.</summary>
    [Benchmark]
    public async Task AgentDeltaToPacedLegFrame()
    {
        _playout.Append("resp-1", "item-1", 0, FrameBytes, _frame);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        await _playout.PumpAsync(CancellationToken.None);
    }

    private sealed class BenchLeg : ICallLeg
    {
        private readonly Channel<PooledAudio> _inbound = Channel.CreateUnbounded<PooledAudio>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public ChannelReader<PooledAudio> Inbound => _inbound.Reader;

        public long BytesSent { get; private set; }

        public void Push(PooledAudio audio) => _inbound.Writer.TryWrite(audio);

        public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AudioFormat?>(AudioFormat.Pcm24k);

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        {
            BytesSent += audio.Length;
            return ValueTask.CompletedTask;
        }

        public ValueTask StopAudioAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken)
        {
            _inbound.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => CloseAsync(CancellationToken.None);
    }

    private sealed class BenchEngine : IConversationEngine
    {
        // Signals each frame the loop delivered; a reusable, allocation-free wait for the benchmark.
        private readonly Channel<int> _received = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();

        public string Name => "bench";

        public AudioFormat AudioFormat => AudioFormat.Pcm24k;

        public ValueTask<int> NextAudioAsync() => _received.Reader.ReadAsync();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        {
            _received.Writer.TryWrite(audio.Length);
            return ValueTask.CompletedTask;
        }

        public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CancelResponseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async IAsyncEnumerable<EngineEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await _events.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_events.Reader.TryRead(out var engineEvent))
                {
                    yield return engineEvent;
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _events.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NullRecordSink : ICallRecordSink
    {
        public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CallRecordEntry>>([]);
    }

    private sealed class NullCallControl : ICallControl
    {
        public ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
