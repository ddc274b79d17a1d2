using DvServerless.Adapters.Engines.Resilience;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging.Abstractions;

using static DvServerless.Adapters.Tests.Engines.Resilience.EngineTestWaits;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

/// <summary>A tool call the engine's session asked for, with the connection dropping before the result is back.</summary>
public sealed class ReconnectingConversationEngineToolCallTests
{
    private const string Output = """{"booking":"AB12","date":"5 May"}""";
    private readonly TimerWatchingTimeProvider _time = new();
    private readonly List<ScriptedEngine> _made = [];

    private ReconnectingConversationEngine Create(AgentOptions? agent = null)
    {
        agent ??= new AgentOptions { Instructions = "Be brief." };
        var first = new ScriptedEngine(agent);
        _made.Add(first);
        return new ReconnectingConversationEngine("call-1", first, a =>
        {
            var engine = new ScriptedEngine(a);
            _made.Add(engine);
            return engine;
        }, agent, _time, NullLogger.Instance);
    }

    private Task AdvanceUntil(Func<bool> condition) => EngineTestWaits.AdvanceUntil(_time, condition);

    /// <summary>The caller asks; the agent calls get_booking (response.done not yet come) and the connection drops.</summary>
    private async Task<List<EngineEvent>> DropWhileTheToolRunsAsync(ReconnectingConversationEngine engine)
    {
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new CallerSpeechStopped(1500, "item_1"));
        _made[0].Push(new CallerTranscript("item_1", "When is my booking AB12?"));
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new ToolCallRequested("call_1", "get_booking", """{"reference":"AB12"}"""));
        await Until(() => Saw(seen, e => e is ToolCallRequested));
        _made[0].Drop("1006 abnormal closure");
        return seen;
    }

    [Fact]
    public async Task A_result_for_a_call_of_a_dropped_session_reaches_the_new_session_as_a_note_and_the_agent_is_asked_to_answer()
    {
        await using var engine = Create();
        var seen = await DropWhileTheToolRunsAsync(engine);
        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        // The new session knows the tool was running, and is not asked to answer before its result is there.
        var replayed = _made[1].Agent.Instructions;
        Assert.Contains("Agent (called the tool get_booking): {\"reference\":\"AB12\"}", replayed, StringComparison.Ordinal);
        Assert.Contains("Tool get_booking: still running when the reconnection happened", replayed, StringComparison.Ordinal);
        Assert.Equal(0, _made[1].ResponsesCreated);

        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);

        // Not a function_call_output for a call_id the new session never issued: a system item (with its response.create), not the caller's words.
        Assert.Empty(_made[1].ToolResults);
        Assert.Empty(_made[0].ToolResults);
        var (note, respond) = Assert.Single(_made[1].SystemNotes);
        Assert.True(respond);
        Assert.Contains("not words of the caller", note, StringComparison.Ordinal);
        Assert.Contains("The tool get_booking returned: " + Output, note, StringComparison.Ordinal);
        Assert.Contains("Tell the caller", note, StringComparison.Ordinal);
        Assert.Empty(_made[1].UserTexts);

        // The same result again (a retried completion) is not sent twice.
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Single(_made[1].SystemNotes);
        Assert.Empty(_made[1].ToolResults);
    }

    [Fact]
    public async Task A_result_that_comes_while_the_engine_reconnects_is_given_to_the_new_session_once_it_is_up()
    {
        var agent = new AgentOptions { Instructions = "Be brief." };
        agent.Reconnect.InitialDelay = TimeSpan.FromMilliseconds(500);
        await using var engine = Create(agent);
        var seen = await DropWhileTheToolRunsAsync(engine);
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(500));

        // The tool finishes during the backoff: there is no session to take it yet.
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Empty(_made[0].ToolResults);
        Assert.Single(_made);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        var (note, respond) = Assert.Single(_made[1].SystemNotes);
        Assert.True(respond);
        Assert.Contains("The tool get_booking returned: " + Output, note, StringComparison.Ordinal);
        Assert.Empty(_made[1].ToolResults);
        // The note's own response.create is the agent's next answer: no second one from the resume.
        Assert.Equal(0, _made[1].ResponsesCreated);
    }

    [Fact]
    public async Task A_result_for_a_call_of_the_current_session_is_sent_as_a_function_call_output_as_before()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new ToolCallRequested("call_1", "get_booking", "{}"));
        await Until(() => Saw(seen, e => e is ToolCallRequested));
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Equal([("call_1", Output)], _made[0].ToolResults);
        _made[0].Push(new ResponseStarted("resp_2"));
        _made[0].Push(new ResponseFinished("resp_2", "completed", null));

        // After a reconnect, a call the new session asks for is answered to it the ordinary way too.
        _made[0].Drop("1006 abnormal closure");
        await AdvanceUntil(() => engine.Reconnects == 1);
        _made[1].Push(new ToolCallRequested("call_2", "get_booking", "{}"));
        await Until(() => Saw(seen, e => e is ToolCallRequested { CallId: "call_2" }));
        await engine.SendToolResultAsync("call_2", Output, CancellationToken.None);

        Assert.Equal([("call_2", Output)], _made[1].ToolResults);
        Assert.Empty(_made[1].SystemNotes);
        Assert.Empty(_made[1].UserTexts);
        Assert.Single(_made[0].ToolResults);
        // The first call's result was spoken by the first session (its response started): the new one only reads it.
        Assert.Contains("Tool get_booking returned: " + Output, _made[1].Agent.Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_the_dropped_session_got_but_never_answered_is_given_to_the_new_session_once()
    {
        await using var engine = Create();
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _made[0].Push(new ToolCallRequested("call_1", "get_booking", "{}"));
        await Until(() => Saw(seen, e => e is ToolCallRequested));
        // The output goes out as the socket dies: no response to it ever starts.
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        _made[0].Drop("1006 abnormal closure");

        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        var (note, respond) = Assert.Single(_made[1].SystemNotes);
        Assert.True(respond);
        Assert.Contains("The tool get_booking returned: " + Output, note, StringComparison.Ordinal);
        Assert.Empty(_made[1].ToolResults);
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Single(_made[1].SystemNotes);
        Assert.Single(_made[0].ToolResults);
    }

    [Fact]
    public async Task The_hand_over_before_the_session_limit_waits_until_a_running_tool_has_been_answered()
    {
        var agent = new AgentOptions();
        agent.Reconnect.HandoverAfter = TimeSpan.FromMinutes(55);
        await using var engine = Create(agent);
        await engine.StartAsync(CancellationToken.None);
        var (seen, _) = Read(engine);
        _time.Advance(TimeSpan.FromMinutes(56));

        // The response that asks for the tool ends at a pause, but the tool still runs: its session must stay.
        _made[0].Push(new ResponseStarted("resp_1"));
        _made[0].Push(new ToolCallRequested("call_1", "get_booking", "{}"));
        _made[0].Push(new ResponseFinished("resp_1", "completed", null));
        await Until(() => Saw(seen, e => e is ResponseFinished));
        await Task.Delay(50);
        Assert.Single(_made);

        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        _made[0].Push(new ResponseStarted("resp_2"));
        _made[0].Push(new ResponseFinished("resp_2", "completed", null));
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_handover" }));

        Assert.Equal(2, _made.Count);
        Assert.Equal([("call_1", Output)], _made[0].ToolResults);
        Assert.Empty(_made[1].SystemNotes);
        Assert.Empty(_made[1].UserTexts);
    }

    [Fact]
    public async Task A_result_the_dead_socket_refuses_before_the_drop_is_seen_is_held_and_given_to_the_next_session()
    {
        await using var engine = Create();
        var seen = await DropWhileTheToolRunsAsync(engine);
        await AdvanceUntil(() => engine.Reconnects == 1);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }));

        // The second session's socket dies too; its event stream has not reported it when the tool finishes.
        _made[1].AbortSends();
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Empty(_made[1].SystemNotes);

        _made[1].Drop("1006 abnormal closure");
        await AdvanceUntil(() => engine.Reconnects == 2);
        await Until(() => Saw(seen, e => e is EngineError { Code: "engine_reconnected" }) && _made[2].SystemNotes.Count > 0);

        var (note, respond) = Assert.Single(_made[2].SystemNotes);
        Assert.True(respond);
        Assert.Contains("The tool get_booking returned: " + Output, note, StringComparison.Ordinal);
        Assert.Empty(_made[2].ToolResults);
        Assert.Equal(0, _made[2].ResponsesCreated);

        // Given once: the same result again is not sent a second time.
        await engine.SendToolResultAsync("call_1", Output, CancellationToken.None);
        Assert.Single(_made[2].SystemNotes);
    }
}
