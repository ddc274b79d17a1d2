using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Greeting;

/// <summary>The cached greeting plays the moment media connects, before the engine speaks, and barge-in can cut it without a truncate.</summary>
public sealed class CachedGreetingPlaybackTests
{
    private const byte GreetingByte = 0x33;
    private const byte EngineByte = 0x11;

    [Fact]
    public async Task The_greeting_is_the_first_audio_the_caller_hears_and_the_engine_follows_it()
    {
        await using var call = new GreetingCall(greetingMs: 400);
        await call.SettleAsync();

        // Media connected, the engine has said nothing yet: the greeting is already going out (100 ms lead).
        Assert.Equal(5, call.Leg.Frames.Count);
        Assert.All(call.Leg.Frames, f => Assert.All(f, b => Assert.Equal(GreetingByte, b)));

        call.Engine.Emit(new ResponseStarted("resp-1"));
        call.Engine.Emit(new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, EngineByte)));
        await call.AdvanceAsync(700);

        var frames = call.Leg.Frames;
        var firstEngineFrame = frames.ToList().FindIndex(f => f[0] == EngineByte);
        Assert.Equal(20, firstEngineFrame); // all 400 ms of greeting (20 frames), then the engine's audio
        Assert.All(frames.Take(20), f => Assert.Equal(GreetingByte, f[0]));

        var turn = await call.WaitForTurnAsync(GreetingReady.ItemId);
        Assert.Equal("Hello, thanks for calling.", turn.Text);
        Assert.Equal("agent", turn.Speaker);
        Assert.False(turn.Interrupted);
        Assert.Equal(0, turn.StartMs);
    }

    [Fact]
    public async Task The_greeting_plays_within_a_second_of_the_answer_even_while_the_engine_is_still_connecting()
    {
        var connected = new TaskCompletionSource();
        await using var call = new GreetingCall(greetingMs: 1500, engineStart: connected.Task);
        var answeredAt = call.Time.GetUtcNow();

        // Wait for the first frame itself (not for the loop to look idle: on a loaded machine the playout can send it
        // after that), with the fake clock still where the call was answered: it goes out before any time passes.
        await call.WaitForFramesAsync(1);
        Assert.Equal(answeredAt, call.FirstFrameAt); // a cache hit: the first frame goes out as media connects, well within a second
        Assert.False(call.Engine.Started);

        // The engine takes 2 s to connect; the caller hears the greeting all along.
        await call.AdvanceAsync(1000);
        Assert.False(call.Engine.Started);
        Assert.NotEmpty(call.Leg.Frames);
        connected.SetResult();
        await call.AdvanceAsync(1000);
        await call.WaitForFramesAsync(75);

        // The held start finishes on a thread-pool continuation once released: on a loaded machine that can come after
        // the fake clock has moved on, so wait for it (bounded) instead of reading it at once.
        await call.WaitForEngineStartAsync();
        Assert.Equal(75, call.Leg.Frames.Count); // 1.5 s of greeting, all of it, while the engine connected
        Assert.All(call.Leg.Frames, f => Assert.Equal(GreetingByte, f[0]));
    }

    [Fact]
    public void The_greeting_is_on_by_default_and_an_explicitly_empty_setting_turns_it_off()
    {
        Assert.Equal(DefaultGreeting.Text, Bind(null).Greeting);
        Assert.Equal("Welcome to Contoso.", Bind("Welcome to Contoso.").Greeting);
        Assert.True(string.IsNullOrWhiteSpace(Bind(string.Empty).Greeting));

        // The TTS warm-up reads the same setting: the default tenant's greeting prompt follows it.
        Assert.Equal(DefaultGreeting.Text, DefaultGreeting.Resolve(null));
        Assert.Null(DefaultGreeting.Resolve(""));
        Assert.Null(DefaultGreeting.Resolve("  "));
    }

    private static GreetingOptions Bind(string? greeting)
    {
        var settings = new Dictionary<string, string?>();
        if (greeting is not null)
        {
            settings["Agent:Greeting"] = greeting;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<GreetingOptions>().Bind(configuration.GetSection(GreetingOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GreetingOptions>>().Value;
    }

    [Fact]
    public async Task Barge_in_during_the_greeting_stops_it_without_truncating_any_engine_item()
    {
        await using var call = new GreetingCall(greetingMs: 2000);
        await call.AdvanceAsync(500);

        call.Engine.Emit(new CallerSpeechStarted(500, "caller-1"));
        await call.SettleAsync();

        Assert.True(call.Leg.Outputs[^1].IsStop);
        Assert.Empty(call.Engine.Truncates); // the engine never produced the greeting
        var turn = await call.WaitForTurnAsync(GreetingReady.ItemId);
        Assert.True(turn.Interrupted);
        Assert.Equal(500, turn.AudioEndMs);
        Assert.Equal("Hello,", turn.HeardText); // a quarter of the text, back to a word boundary
    }

    [Fact]
    public async Task No_greeting_is_played_when_the_engine_already_speaks()
    {
        var greeting = new TaskCompletionSource<GreetingAudio?>();
        await using var call = new GreetingCall(greetingMs: 400, pending: greeting.Task);
        call.Engine.Emit(new ResponseStarted("resp-1"));
        call.Engine.Emit(new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, EngineByte)));
        await call.SettleAsync();

        greeting.SetResult(new GreetingAudio("Hello, thanks for calling.", Audio(400, GreetingByte), AudioFormat.Pcm24k));
        await call.AdvanceAsync(600);

        Assert.DoesNotContain(call.Leg.Frames, f => f[0] == GreetingByte);
    }

    private static byte[] Audio(int milliseconds, byte fill)
    {
        var bytes = new byte[AudioFormat.Pcm24k.BytesPerMillisecond * milliseconds];
        bytes.AsSpan().Fill(fill);
        return bytes;
    }

    private sealed class FixedGreeting(Task<GreetingAudio?> audio) : ICallGreeting
    {
        public Task<GreetingAudio?> LoadAsync(string callId, AudioFormat legFormat, CancellationToken cancellationToken = default) => audio;
    }

    private sealed class GreetingCall : IAsyncDisposable
    {
        private readonly TestMeterFactory _meters = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<CallEndReason> _run;
        private int _framesSent;

        public GreetingCall(int greetingMs, Task<GreetingAudio?>? pending = null, Task? engineStart = null)
        {
            Engine.StartGate = engineStart ?? Task.CompletedTask;
            Leg.AfterSend = _ =>
            {
                FirstFrameAt ??= Time.GetUtcNow();
                Interlocked.Increment(ref _framesSent);
            };
            var audio = pending ?? Task.FromResult<GreetingAudio?>(new GreetingAudio("Hello, thanks for calling.", Audio(greetingMs, GreetingByte), AudioFormat.Pcm24k));
            Loop = new CallLoop("call-1", Leg, Engine, new CallLoopOptions(), Sink, new RecordingCallControl(), [new EndCallToolHandler()], Time,
                new MediaWorkerMetrics(_meters), NullLogger.Instance)
            {
                Greeting = new FixedGreeting(audio),
            };
            _run = Loop.RunAsync(_stop.Token);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

        public InMemoryCallLeg Leg { get; } = new(AudioFormat.Pcm24k);

        public ScriptedEngine Engine { get; } = new();

        public RecordingCallRecordSink Sink { get; } = new();

        public CallLoop Loop { get; }

        /// <summary>When the first agent frame went to the caller, on the fake clock.</summary>
        public DateTimeOffset? FirstFrameAt { get; private set; }

        public async Task SettleAsync()
        {
            await Engine.WhenConsumedAsync();
            await Loop.WhenProcessedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async Task AdvanceAsync(int milliseconds)
        {
            await SettleAsync();
            for (var left = milliseconds; left > 0; left -= 20)
            {
                Time.Advance(TimeSpan.FromMilliseconds(Math.Min(20, left)));
                await SettleAsync();
            }
        }

        /// <summary>
        /// Waits until <paramref name="count"/> frames have gone to the caller. The only real-time bound is the give-up
        /// after 10 s; what the test asserts is on the fake clock.
        /// </summary>
        public async Task WaitForFramesAsync(int count)
        {
            for (var i = 0; i < 1000 && Volatile.Read(ref _framesSent) < count; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(Volatile.Read(ref _framesSent) >= count, $"{_framesSent} of {count} frames went out");
        }

        /// <summary>Waits (at most 10 s of real time) until the engine's start has finished.</summary>
        public async Task WaitForEngineStartAsync()
        {
            for (var i = 0; i < 1000 && !Engine.Started; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(Engine.Started, "the engine's start did not finish once released");
        }

        public async Task<Core.Records.CallRecordEntry> WaitForTurnAsync(string itemId)
        {
            var entries = await Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn" && x.ItemId == itemId));
            return entries.First(x => x.Kind == "turn" && x.ItemId == itemId);
        }

        public async ValueTask DisposeAsync()
        {
            Leg.Hangup();
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _meters.Dispose();
            _stop.Dispose();
        }
    }
}
