using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Live;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Benchmarks.Telemetry;

/// <summary>
/// What a call's telemetry costs the call loop's control task, per event it sees: an agent audio delta (the hot path:
/// dozens per second per call, nothing published), a final transcript (one live event), a whole timed turn (four
/// histograms and one live event) and a barge-in. Live events go into a bounded channel drained by another task, as the
/// worker's hub publisher does; an OpenTelemetry-style listener is attached so the histograms really record.
/// </summary>
[MemoryDiagnoser]
public class CallTelemetryBenchmarks : IDisposable
{
    private readonly AgentAudioDelta _delta = new("resp-1", "item-1", 0, new byte[4800]);
    private readonly CallRecordEntry _turn = new() { Kind = "turn", Speaker = "caller", Text = "Where is my order?", ItemId = "item-0", At = DateTimeOffset.UnixEpoch };
    private readonly CallerSpeechStopped _stopped = new(1000, "caller-1");
    private readonly CallerTranscript _transcript = new("caller-1", "Where is my order?");
    private BenchMeterFactory _meters = null!;
    private MeterListener _listener = null!;
    private DrainedPublisher _live = null!;
    private CallTelemetry _telemetry = null!;
    private bool _disposed;

    [GlobalSetup]
    public void Setup()
    {
        _meters = new BenchMeterFactory();
        var metrics = new VoiceMetrics(_meters);
        _listener = new MeterListener { InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument) };
        _listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _listener.Start();
        _live = new DrainedPublisher();
        _telemetry = new CallTelemetry(new CallContext("bench", CallChannel.Acs, "tenant-a", "4:+14255550123"), metrics, _live, TimeProvider.System,
            NullLogger.Instance);
        _telemetry.OnStarted(new CallLoopStarted("bench", Core.Audio.AudioFormat.Pcm24k, "openai-realtime", DateTimeOffset.UtcNow));
    }

    /// <summary>Releases the listener, the meters and the drain. BenchmarkDotNet calls it once after the runs.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _listener.Dispose();
        _meters.Dispose();
        _live.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An agent audio delta with no turn being timed: what most deltas cost.</summary>
    [Benchmark(Baseline = true)]
    public void AudioDelta() => _telemetry.OnEngineEvent(_delta);

    /// <summary>A final transcript: counted and published as one <c>call:transcript</c> event.</summary>
    [Benchmark]
    public void FinalTranscriptPublished() => _telemetry.OnRecorded(_turn);

    /// <summary>A whole turn: speech stopped, transcript, first audio delta, first audio sent; four histograms, one event.</summary>
    [Benchmark]
    public void TimedTurnPublished()
    {
        _telemetry.OnEngineEvent(_stopped);
        _telemetry.OnEngineEvent(_transcript);
        _telemetry.OnEngineEvent(_delta);
        _telemetry.OnAgentAudioStarted("item-1", DateTimeOffset.UtcNow);
    }

    /// <summary>A barge-in: one histogram, one <c>call:bargein</c> event.</summary>
    [Benchmark]
    public void BargeInPublished() => _telemetry.OnBargeIn(new CallBargeIn("item-1", 480, 3.5, DateTimeOffset.UtcNow));

    /// <summary>A bounded channel with a reader that drains it, as the worker's hub publisher has.</summary>
    private sealed class DrainedPublisher : ILiveEventPublisher, IDisposable
    {
        private readonly Channel<LiveEvent> _events = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(8192)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

        private readonly Task _drain;

        public DrainedPublisher() => _drain = Task.Run(async () =>
        {
            await foreach (var _ in _events.Reader.ReadAllAsync().ConfigureAwait(false))
            {
            }
        });

        public bool Publish(LiveEvent liveEvent) => _events.Writer.TryWrite(liveEvent);

        public void Dispose()
        {
            _events.Writer.TryComplete();
            _drain.GetAwaiter().GetResult();
        }
    }

    private sealed class BenchMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
