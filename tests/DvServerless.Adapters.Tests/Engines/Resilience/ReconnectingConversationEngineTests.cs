using DvServerless.Adapters.Engines.Resilience;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging.Abstractions;

using static DvServerless.Adapters.Tests.Engines.Resilience.EngineTestWaits;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

public sealed class ReconnectingConversationEngineTests
{
    private readonly TimerWatchingTimeProvider _time = new();
    private readonly List<ScriptedEngine> _made = [];
    private int _failuresLeft;
    private int _hangsLeft;
    private Action<ScriptedEngine>? _onCreateResponse;

    private ReconnectingConversationEngine Create(AgentOptions? agent = null)
    {
        agent ??= new AgentOptions { Instructions = "Be brief." };
        var first = new ScriptedEngine(agent);
        _made.Add(first);
        return new ReconnectingConversationEngine("call-1", first, a =>
        {
            var engine = new ScriptedEngine(a, failToStart: _failuresLeft-- > 0, hangOnStart: _hangsLeft-- > 0) { OnCreateResponse = _onCreateResponse };
            _made.Add(engine);
            return engine;
        }, agent, _time, NullLogger.Instance);
    }

    private Task AdvanceUntil(Func<bool> condition) => EngineTestWaits.AdvanceUntil(_time, condition);

    [Fact]
    public async Task A_dropped_connection_is_restored_with_the_conversation_replayed_and_the_call_goes_on()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerTranscript("item_1", "I need to change my booking."));
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new AgentTranscriptDone("resp_1", "item_2", "Sure, which date?"));

        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(() => _made.Count == 2 && engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        // The response the old session left open is closed, so the loop does not wait on it; no EngineClosed reaches the loop.
        Assert.Contains(new ResponseFinished("resp_1", "failed", "the engine connection dropped"), seen);
        Assert.DoesNotContain(seen, e => e is EngineClosed);
        Assert.True(_made[0].Disposed);
        var replayed = _made[1].Agent.Instructions;
        Assert.StartsWith("Be brief.", replayed, StringComparison.Ordinal);
        Assert.Contains("Caller: I need to change my booking.", replayed, StringComparison.Ordinal);
        Assert.Contains("Agent: Sure, which date?", replayed, StringComparison.Ordinal);
        Assert.False(_made[1].Agent.GreetFirst);
        // The answer had all its words (only response.done was lost): the new session is not asked to say it again.
        Assert.Equal(0, _made[1].ResponsesCreated);
        Assert.DoesNotContain("cut off", replayed, StringComparison.Ordinal);

        // Audio goes to the new session, and its events come through.
        await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        Assert.Equal(1, _made[1].AudioFramesReceived);
        _made[1].Push(new CallerTranscript("item_9", "The fifth."));
        await Until(() => Saw(seen, e => e.Equals(new CallerTranscript("item_9", "The fifth."))));
    }

    [Fact]
    public async Task A_drop_mid_answer_keeps_what_was_said_and_the_agent_speaks_again_within_the_first_backoff()
    {
        var agent = new AgentOptions { Instructions = "Be brief." };
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(200);
        // The new session answers a response.create at once, as Realtime starts streaming audio.
        _onCreateResponse = e =>
        {
            e.Push(new ResponseStarted("resp_2"));
            e.Push(new AgentAudioDelta("resp_2", "item_3", 0, new byte[4800]));
        };
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerSpeechStopped(1500, "item_1"));
        _made[0].Push(new CallerTranscript("item_1", "Which dates are free?"));
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new AgentAudioDelta("resp_1", "item_2", 0, new byte[4800]));
        _made[0].Push(new AgentTranscriptDelta("resp_1", "item_2", "The fifth and "));
        _made[0].Push(new AgentTranscriptDelta("resp_1", "item_2", "the ninth of"));
        var droppedAt = _time.GetTimestamp();
        _made[0].Drop("1006 abnormal closure");

        // The first attempt waits the configured backoff, not a moment less.
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromMilliseconds(199));
        await Task.Delay(50);
        Assert.Single(_made);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => Saw(seen, e => e is AgentAudioDelta { ResponseId: "resp_2" }));
        var backAfter = _time.GetElapsedTime(droppedAt);

        // The session is back and the agent speaks again with no caller turn in between: 200 ms of (fake) time, ≤ 1 s.
        Assert.True(backAfter <= TimeSpan.FromSeconds(1), $"agent audio again {backAfter.TotalMilliseconds} ms after the drop");
        Assert.Equal(2, _made.Count);
        Assert.Equal(1, _made[1].ResponsesCreated);
        List<EngineEvent> events;
        lock (seen)
        {
            events = [.. seen];
        }

        // The cut answer is what the caller heard of it, and its turn is closed before the new session speaks.
        var cut = events.IndexOf(new AgentTranscriptDone("resp_1", "item_2", "The fifth and the ninth of"));
        var failed = events.IndexOf(new ResponseFinished("resp_1", "failed", "the engine connection dropped"));
        var reconnected = events.FindIndex(e => e is EngineError { Code: "engine_reconnected" });
        var resumed = events.FindIndex(e => e is ResponseStarted { ResponseId: "resp_2" });
        Assert.True(cut >= 0 && cut < failed && failed < reconnected && reconnected < resumed, string.Join(" | ", events.Select(e => e.GetType().Name)));
        // The new session knows where the answer stopped.
        var replayed = _made[1].Agent.Instructions;
        Assert.Contains("Caller: Which dates are free?", replayed, StringComparison.Ordinal);
        Assert.Contains("Agent (cut off here by the reconnection; the caller heard only this much): The fifth and the ninth of …", replayed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drop_after_the_caller_finished_a_turn_but_before_the_answer_started_gets_the_answer_from_the_new_session()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerSpeechStopped(1500, "item_1"));
        _made[0].Drop("1006 abnormal closure");

        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal(1, _made[1].ResponsesCreated);
    }

    [Fact]
    public async Task A_drop_in_a_pause_leaves_the_next_word_to_the_caller()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerSpeechStopped(1500, "item_1"));
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new AgentTranscriptDone("resp_1", "item_2", "Sure."));
        _made[0].Push(new ResponseFinished("resp_1", "completed", null));
        _made[0].Drop("1006 abnormal closure");

        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal(0, _made[1].ResponsesCreated);
    }

    [Fact]
    public async Task A_drop_while_the_caller_talks_over_the_agent_leaves_the_floor_to_the_caller()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new AgentTranscriptDelta("resp_1", "item_2", "The fifth and "));
        _made[0].Push(new CallerSpeechStarted(2000, "item_3"));
        _made[0].Drop("1006 abnormal closure");

        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal(0, _made[1].ResponsesCreated);
    }

    [Fact]
    public async Task An_attempt_that_hangs_is_abandoned_after_the_attempt_timeout_and_the_next_one_restores_the_call()
    {
        var agent = new AgentOptions();
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(200);
        agent.Reconnect.AttemptTimeout = TimeSpan.FromSeconds(3);
        _hangsLeft = 1;
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Drop("gone");

        await _time.ArmedAsync(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await _time.ArmedAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(2, _made.Count); // the first attempt, hanging
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        await Task.Delay(50);
        Assert.Equal(2, _made.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(400));
        Assert.True(_made[1].Disposed);
        _time.Advance(TimeSpan.FromMilliseconds(400));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal(3, _made.Count);
        Assert.Equal(1, engine.Reconnects);
        Assert.DoesNotContain(seen, e => e is EngineClosed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_non_positive_attempt_timeout_is_refused_at_start_up(int seconds)
    {
        var options = new EngineReconnectOptions { AttemptTimeout = TimeSpan.FromSeconds(seconds) };

        Assert.Equal("Agent:Reconnect:AttemptTimeout must be positive.", options.Validate());
    }

    [Fact]
    public async Task A_caller_turn_that_could_not_be_transcribed_is_in_the_replay_as_such()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerTranscript("item_1", "I need to change my booking."));
        _made[0].Push(new CallerTranscriptFailed("item_2", "audio could not be transcribed"));
        _made[0].Push(new CallerTranscript("item_3", "The fifth of May."));
        await Until(() => Saw(seen, e => e is CallerTranscript { ItemId: "item_3" }));

        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(() => engine.Reconnects == 1);

        var replayed = _made[1].Agent.Instructions;
        var booking = replayed!.IndexOf("Caller: I need to change my booking.", StringComparison.Ordinal);
        var inaudible = replayed.IndexOf("Caller: [not transcribed]", StringComparison.Ordinal);
        var date = replayed.IndexOf("Caller: The fifth of May.", StringComparison.Ordinal);
        Assert.True(booking >= 0 && inaudible > booking && date > inaudible, replayed);
    }

    [Fact]
    public async Task A_send_failing_as_cancelled_because_the_socket_was_aborted_under_it_is_quiet_and_the_call_reconnects()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);

        // The socket is torn down while a caller frame is being sent, before the event stream reports the drop.
        _made[0].AbortSends();
        await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        _made[0].Drop("The remote party closed the WebSocket connection without completing the close handshake.");
        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        Assert.Equal(1, _made[1].AudioFramesReceived);
        Assert.DoesNotContain(seen, e => e is EngineClosed);
    }

    [Fact]
    public async Task A_send_the_call_cancelled_is_not_swallowed()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _made[0].AbortSends();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.SendAudioAsync(new byte[960], cancelled.Token));
    }

    [Fact]
    public async Task Caller_speech_times_of_a_later_session_are_on_the_call_timeline_not_the_new_session()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        // 3 s of caller audio (24 kHz PCM16, 20 ms frames) reach the first session, then its connection drops.
        for (var i = 0; i < 150; i++)
        {
            await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        }

        _made[0].Push(new CallerSpeechStarted(500, "item_1"));
        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        // The new session counts from its own first byte: 200 ms into it is 3.2 s into the call.
        _made[1].Push(new CallerSpeechStarted(200, "item_2"));
        _made[1].Push(new CallerSpeechStopped(900, "item_2"));
        await Until(() => Saw(seen, e => e is CallerSpeechStopped));

        Assert.Contains(new CallerSpeechStarted(500, "item_1"), seen);
        Assert.Contains(new CallerSpeechStarted(3200, "item_2"), seen);
        Assert.Contains(new CallerSpeechStopped(3900, "item_2"), seen);
    }

    [Fact]
    public async Task Attempts_back_off_and_the_call_ends_only_after_the_last_fails()
    {
        var agent = new AgentOptions();
        agent.Reconnect.MaxAttempts = 3;
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(200);
        agent.Reconnect.MaxDelay = TimeSpan.FromSeconds(1);
        _failuresLeft = 3;
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, reading) = Read(engine);

        _made[0].Drop("gone");
        await Until(() => _made[0].Dropped);
        await Task.Delay(50);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        await Task.Delay(50);
        Assert.Single(_made); // 200 ms before the first attempt
        await AdvanceUntil(() => reading.IsCompleted);

        Assert.Equal(4, _made.Count); // the first engine and three failed attempts
        Assert.IsType<EngineClosed>(seen[^1]);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800)],
            Enumerable.Range(1, 3).Select(agent.Reconnect.DelayBefore));
    }

    [Fact]
    public async Task Audio_sent_while_the_connection_is_down_is_dropped_not_thrown()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        _made[0].Drop("gone");

        await engine.SendAudioAsync(new byte[960], CancellationToken.None);

        Assert.Equal(0, _made[0].AudioFramesReceived);
    }

    [Fact]
    public async Task Before_the_session_limit_the_call_moves_to_a_fresh_session_at_a_pause_not_mid_answer()
    {
        var agent = new AgentOptions();
        agent.Reconnect.HandoverAfter = TimeSpan.FromMinutes(55);
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _time.Advance(TimeSpan.FromMinutes(56));

        // The caller is speaking when a response ends: no hand-over yet.
        _made[0].Push(new CallerSpeechStarted(1000, "item_1"));
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new ResponseFinished("resp_1", "completed", null));
        await Until(() => seen.Count == 3);
        Assert.Single(_made);

        // Once the caller is quiet and the next answer has finished, the call moves.
        _made[0].Push(new CallerSpeechStopped(2000, "item_1"));
        _made[0].Push(new ResponseStarted("resp_2"));
        _made[0].Push(new ResponseFinished("resp_2", "completed", null));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_handover" }));
        Assert.Equal(2, _made.Count);
        Assert.True(_made[0].Disposed);
        Assert.DoesNotContain(seen, e => e is EngineClosed);
    }

    [Fact]
    public async Task With_reconnecting_off_a_drop_ends_the_call_as_before()
    {
        var agent = new AgentOptions();
        agent.Reconnect.MaxAttempts = 0;
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, reading) = Read(engine);

        _made[0].Drop("gone");
        await reading.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(new EngineClosed("gone"), Assert.Single(seen));
    }
}
