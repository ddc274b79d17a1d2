using DvServerless.Adapters.Engines.Resilience;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging.Abstractions;

using static DvServerless.Adapters.Tests.Engines.Resilience.EngineTestWaits;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

/// <summary>
/// A system note (a transfer that failed) goes to the current session; while the engine reconnects there is none, so it
/// is held and given to the new session once it is up, after any held tool results, with one response for them all.
/// </summary>
public sealed class ReconnectingConversationEngineSystemNoteTests
{
    private const string Note = "The transfer you started failed.";
    private readonly TimerWatchingTimeProvider _time = new();
    private readonly List<ScriptedEngine> _made = [];

    private ReconnectingConversationEngine Create(AgentOptions agent)
    {
        var first = new ScriptedEngine(agent);
        _made.Add(first);
        return new ReconnectingConversationEngine("call-1", first, a =>
        {
            var engine = new ScriptedEngine(a);
            lock (_made)
            {
                _made.Add(engine);
            }

            return engine;
        }, agent, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task A_note_goes_to_the_current_session_as_it_comes()
    {
        await using var engine = Create(new AgentOptions());
        await engine.StartAsync(CancellationToken.None);

        await engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None);

        Assert.Equal([(Note, true)], _made[0].SystemNotes);
        Assert.Empty(_made[0].UserTexts);
    }

    [Fact]
    public async Task A_note_while_reconnecting_is_held_and_given_to_the_new_session_which_is_asked_to_answer_it()
    {
        var agent = new AgentOptions { Instructions = "Be brief." };
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(500);
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new ResponseFinished("resp_1", "completed", null));
        await Until(() => Saw(seen, e => e is ResponseFinished));
        _made[0].Drop("1006 abnormal closure");
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(500));

        // No session to take it during the backoff: held, not lost on the dead one.
        await engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None);
        Assert.Empty(_made[0].SystemNotes);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal([(Note, true)], _made[1].SystemNotes);
        Assert.Empty(_made[1].UserTexts);
        Assert.Equal(0, _made[1].ResponsesCreated); // the note's own response, no second one
        Assert.DoesNotContain(Note, _made[1].Agent.Instructions, StringComparison.Ordinal); // given once, as the item

        // A later reconnect replays it as a note of the phone system, not as the caller's words.
        await engine.SendSystemNoteAsync("Second note.", respond: false, CancellationToken.None);
        _made[1].Drop("1006 abnormal closure");
        await AdvanceUntil(_time, () => engine.Reconnects == 2);
        Assert.Contains("Phone system (note, not the caller): " + Note, _made[2].Agent.Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Held_tool_results_and_notes_reach_the_new_session_in_order_with_one_response_requested_by_the_last()
    {
        var agent = new AgentOptions();
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(500);
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new ToolCallRequested("call_1", "transfer", "{}"));
        await Until(() => Saw(seen, e => e is ToolCallRequested));
        _made[0].Drop("1006 abnormal closure");
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(500));

        await engine.SendToolResultAsync("call_1", """{"status":"transferring"}""", CancellationToken.None);
        await engine.SendSystemNoteAsync(Note, respond: false, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        var notes = _made[1].SystemNotes;
        Assert.Equal(2, notes.Count);
        Assert.Contains("The tool transfer returned", notes[0].Text, StringComparison.Ordinal);
        Assert.False(notes[0].Respond);
        Assert.Equal((Note, true), notes[1]);
        Assert.Empty(_made[1].ToolResults);
    }

    [Fact]
    public async Task A_note_the_dead_socket_refuses_before_the_drop_is_seen_is_held_and_given_to_the_new_session()
    {
        await using var engine = Create(new AgentOptions());
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);

        // The socket died; the event stream has not reported it yet, so the send fails on the dead connection.
        _made[0].AbortSends();
        await engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None);
        Assert.Empty(_made[0].SystemNotes);

        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(_time, () => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        Assert.Equal([(Note, true)], _made[1].SystemNotes);
        Assert.Equal(0, _made[1].ResponsesCreated);
        Assert.DoesNotContain(Note, _made[1].Agent.Instructions, StringComparison.Ordinal); // given once, as the item

        // The hold the refused send started ended with the new session: audio and notes go straight to it.
        await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        await engine.SendSystemNoteAsync("Second note.", respond: false, CancellationToken.None);
        Assert.Equal(1, _made[1].AudioFramesReceived);
        Assert.Equal([(Note, true), ("Second note.", false)], _made[1].SystemNotes);
    }

    [Fact]
    public async Task A_note_the_call_cancelled_is_not_held_whether_the_socket_is_dead_or_the_engine_reconnecting()
    {
        var agent = new AgentOptions();
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(500);
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        _made[0].AbortSends();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.SendSystemNoteAsync(Note, respond: true, cancelled.Token));
        _made[0].Drop("1006 abnormal closure");
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.SendSystemNoteAsync("Second note.", respond: true, cancelled.Token));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));
        Assert.Empty(_made[1].SystemNotes);
        Assert.Empty(_made[0].SystemNotes);
    }

    [Fact]
    public async Task A_note_refused_by_the_old_socket_after_the_new_session_is_up_goes_to_the_new_session_without_a_new_hold()
    {
        await using var engine = Create(new AgentOptions());
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);

        // The send hangs on the first socket through its drop and the reconnect, and fails only then.
        _made[0].StallNotes();
        var sending = engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None).AsTask();
        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(_time, () => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));
        _made[0].FailStalledNotes();
        await sending;

        // Sent to the live session at once, not held for one that would only come after its next drop.
        Assert.Equal([(Note, true)], _made[1].SystemNotes);
        await engine.SendAudioAsync(new byte[960], CancellationToken.None);
        Assert.Equal(1, _made[1].AudioFramesReceived);
    }
}
