using DvServerless.Adapters.Engines.Resilience;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// The engine connection drops while the agent speaks, seen from the caller's side of the call loop on a fake clock: the
/// audio already received plays out, the cut answer's turn keeps its words, and the new session's answer reaches the
/// caller within a second of the drop.
/// </summary>
public sealed class EngineReconnectCallLoopTests
{
    private const byte CutByte = 0x11;
    private const byte ResumedByte = 0x22;

    [Fact]
    public async Task After_a_drop_mid_answer_the_caller_hears_the_agent_again_within_a_second_of_the_drop()
    {
        await using var call = ReconnectingCall.Start();
        var (time, agent, first, second, leg, sink, loop) = (call.Time, call.Agent, call.First, call.Second, call.Leg, call.Sink, call.Loop);

        // 200 ms of the answer (and its first words) reached the worker, then the connection drops.
        first.Emit(new ResponseStarted("resp-1"));
        first.Emit(new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, CutByte)));
        first.Emit(new AgentTranscriptDelta("resp-1", "item-1", "The fifth and "));
        await first.WhenConsumedAsync();
        await loop.WhenProcessedAsync();
        var droppedAt = time.GetUtcNow();
        first.Close();
        await time.BackoffArmedAsync(agent.Reconnect.InitialDelay);

        // Real time only lets the worker run between the 20 ms steps of the fake clock; every figure is on the fake clock.
        TimeSpan? resumedAfter = null;
        var answered = false;
        for (var step = 0; step < 100 && resumedAfter is null; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(5);
            await loop.WhenProcessedAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (!answered && second.Started && second.ResponsesCreated.Count == 1)
            {
                // The new session answers the response.create it was sent, as Realtime does.
                answered = true;
                second.Emit(new ResponseStarted("resp-2"));
                second.Emit(new AgentAudioDelta("resp-2", "item-2", 0, Audio(400, ResumedByte)));
            }

            if (leg.Frames.Any(f => f[0] == ResumedByte))
            {
                resumedAfter = time.GetUtcNow() - droppedAt;
            }
        }

        Assert.NotNull(resumedAfter);
        Assert.True(resumedAfter <= TimeSpan.FromSeconds(1), $"the caller heard the agent again {resumedAfter?.TotalMilliseconds} ms after the drop");
        Assert.Null(second.ResponsesCreated[0]); // no instructions: they would replace the replayed conversation
        // The audio that had arrived played out in full before the new answer, which follows it.
        var frames = leg.Frames.Select(f => f[0]).ToList();
        Assert.Equal(10, frames.Count(b => b == CutByte));
        Assert.True(frames.LastIndexOf(CutByte) < frames.IndexOf(ResumedByte));
        // The cut answer's turn is written with the words that were said.
        var entries = await sink.WaitForAsync(e => e.Any(x => x.Kind == "turn" && x.ItemId == "item-1"));
        Assert.Equal("The fifth and", entries.First(x => x.Kind == "turn" && x.ItemId == "item-1").Text);

        await call.HangUpAsync();
    }

    [Fact]
    public async Task A_tool_that_finishes_after_the_drop_has_its_result_told_to_the_new_session_not_lost()
    {
        var tool = new HeldTool();
        await using var call = ReconnectingCall.Start(tool);
        var (time, agent, first, second, leg, loop) = (call.Time, call.Agent, call.First, call.Second, call.Leg, call.Loop);

        // The agent asks for the tool; the call loop runs it; the connection drops before it returns.
        first.Emit(new ResponseStarted("resp-1"));
        first.Emit(new ToolCallRequested("fc-1", HeldTool.ToolName, "{}"));
        first.Emit(new ResponseFinished("resp-1", "completed", null));
        await first.WhenConsumedAsync();
        await loop.WhenProcessedAsync();
        await tool.Started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        first.Close();
        await time.BackoffArmedAsync(agent.Reconnect.InitialDelay);
        for (var step = 0; step < 100 && !second.Started; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(5);
        }

        Assert.True(second.Started);
        tool.Result.SetResult(new CallToolResult("""{"status":"confirmed"}"""));
        for (var i = 0; i < 500 && second.SystemNotes.Count == 0; i++)
        {
            await loop.WhenProcessedAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(10);
        }

        // The new session never issued fc-1: the result reaches it as a system note it accepts, which asks for the answer.
        var (note, respond) = Assert.Single(second.SystemNotes);
        Assert.True(respond);
        Assert.Empty(second.UserTexts);
        Assert.Contains($"The tool {HeldTool.ToolName} returned: {{\"status\":\"confirmed\"}}", note, StringComparison.Ordinal);
        Assert.Empty(second.ToolResults);
        Assert.Empty(first.ToolResults);
        Assert.Empty(second.ResponsesCreated);

        await call.HangUpAsync();
    }

    /// <summary>
    /// A call loop over a reconnecting engine on a fake clock: <see cref="First"/> is the session that drops,
    /// <see cref="Second"/> the one the reconnect opens (after 200 ms), <see cref="Leg"/> the caller's side.
    /// </summary>
    private sealed class ReconnectingCall : IAsyncDisposable
    {
        private readonly TestMeterFactory _meters = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly ReconnectingConversationEngine _engine;
        private Task _run = Task.CompletedTask;

        private ReconnectingCall(ICallToolHandler[] tools)
        {
            Agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(200);
            _engine = new ReconnectingConversationEngine("call-1", First, _ => Second, Agent, Time, NullLogger.Instance);
            Loop = new CallLoop("call-1", Leg, _engine, new CallLoopOptions(), Sink, new RecordingCallControl(), [new EndCallToolHandler(), .. tools],
                Time, new MediaWorkerMetrics(_meters), NullLogger.Instance);
        }

        public BackoffWatchingTimeProvider Time { get; } = new();

        public AgentOptions Agent { get; } = new() { Instructions = "Be brief." };

        public ScriptedEngine First { get; } = new();

        public ScriptedEngine Second { get; } = new();

        public InMemoryCallLeg Leg { get; } = new(AudioFormat.Pcm24k);

        public RecordingCallRecordSink Sink { get; } = new();

        public CallLoop Loop { get; }

        /// <summary>Starts the loop with the end-call tool and <paramref name="tools"/>.</summary>
        public static ReconnectingCall Start(params ICallToolHandler[] tools)
        {
            var call = new ReconnectingCall(tools);
            call._run = call.Loop.RunAsync(call._stop.Token);
            return call;
        }

        /// <summary>The caller hangs up; the loop ends.</summary>
        public async Task HangUpAsync()
        {
            Leg.Hangup();
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async ValueTask DisposeAsync()
        {
            await Loop.DisposeAsync();
            await _engine.DisposeAsync();
            _stop.Dispose();
            _meters.Dispose();
        }
    }

    private static byte[] Audio(int milliseconds, byte fill)
    {
        var bytes = new byte[AudioFormat.Pcm24k.BytesPerMillisecond * milliseconds];
        bytes.AsSpan().Fill(fill);
        return bytes;
    }

    /// <summary>A tool that returns when the test says (a transfer or an HTTP tool taking its time).</summary>
    private sealed class HeldTool : ICallToolHandler
    {
        public const string ToolName = "check_booking";

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<CallToolResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => ToolName;

        public async ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return await Result.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A fake clock that says when the reconnect's backoff is armed, so the test advances past it, not before it.</summary>
    private sealed class BackoffWatchingTimeProvider : FakeTimeProvider
    {
        private readonly List<TimeSpan> _armed = [];

        public BackoffWatchingTimeProvider()
            : base(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero))
        {
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_armed)
            {
                _armed.Add(dueTime);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task BackoffArmedAsync(TimeSpan delay)
        {
            for (var i = 0; i < 500; i++)
            {
                lock (_armed)
                {
                    if (_armed.Contains(delay))
                    {
                        return;
                    }
                }

                await Task.Delay(10);
            }

            Assert.Fail($"no {delay.TotalMilliseconds} ms backoff was armed");
        }
    }
}
