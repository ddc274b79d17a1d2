using DvServerless.Core.Audio;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Playout;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>A call loop over an in-memory leg and a scripted engine, driven by a fake clock.</summary>
internal sealed class CallLoopHarness : IAsyncDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly CancellationTokenSource _stop = new();

    public CallLoopHarness(AudioFormat? legFormat = null, CallLoopOptions? options = null, IEnumerable<ICallToolHandler>? tools = null,
        Func<FakeTimeProvider, ICallLoopObserver>? observer = null, CallCost? cost = null, ComfortNoiseSource? comfortNoise = null,
        DvServerless.MediaWorker.Say.CallVoice? voice = null, FakeTimeProvider? time = null, Task? engineStartGate = null)
    {
        // A slow connect when the test holds it: the loop runs, the engine is not ready.
        Engine.StartGate = engineStartGate ?? Task.CompletedTask;
        Time = time ?? new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        Leg = new InMemoryCallLeg(legFormat ?? AudioFormat.Pcm24k);
        Loop = new CallLoop("call-1", Leg, Engine, options ?? new CallLoopOptions(), Sink, Control,
            tools ?? [new EndCallToolHandler()], Time, new MediaWorkerMetrics(_meters), NullLogger.Instance)
        {
            Observer = observer?.Invoke(Time),
            Cost = cost,
            ComfortNoise = comfortNoise,
            Voice = voice,
        };
        Run = Loop.RunAsync(_stop.Token);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryCallLeg Leg { get; }

    public ScriptedEngine Engine { get; } = new();

    public RecordingCallRecordSink Sink { get; } = new();

    public RecordingCallControl Control { get; } = new();

    public CallLoop Loop { get; }

    public Task<CallEndReason> Run { get; }

    /// <summary>Waits until the loop has handled everything emitted and every tick fired so far.</summary>
    public async Task SettleAsync()
    {
        await Engine.WhenConsumedAsync();
        await Loop.WhenProcessedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task EmitAsync(params EngineEvent[] events)
    {
        foreach (var engineEvent in events)
        {
            Engine.Emit(engineEvent);
        }

        await SettleAsync();
    }

    /// <summary>
    /// Moves the clock on in 20 ms steps, letting the loop handle each step's tick, as real time would: one jump of a
    /// second would be a second in which the worker never ran, which the caller hears as silence.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await SettleAsync();
        var step = TimeSpan.FromMilliseconds(20);
        while (by > TimeSpan.Zero)
        {
            var next = by < step ? by : step;
            Time.Advance(next);
            by -= next;
            await SettleAsync();
        }
    }

    public async Task AdvanceAsync(int milliseconds) => await AdvanceAsync(TimeSpan.FromMilliseconds(milliseconds));

    public async Task<CallEndReason> EndAsync()
    {
        Leg.Hangup();
        return await Run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        Leg.Hangup();
        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _meters.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary><paramref name="milliseconds"/> of audio in <paramref name="format"/>, every byte <paramref name="fill"/>.</summary>
    public static byte[] Audio(int milliseconds, byte fill, AudioFormat? format = null)
    {
        var bytes = new byte[(format ?? AudioFormat.Pcm24k).BytesPerMillisecond * milliseconds];
        bytes.AsSpan().Fill(fill);
        return bytes;
    }
}
