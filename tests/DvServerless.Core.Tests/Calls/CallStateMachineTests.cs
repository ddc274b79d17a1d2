using DvServerless.Core.Calls;

namespace DvServerless.Core.Tests.Calls;

public sealed class CallStateMachineTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 12, 9, 0, 0, TimeSpan.Zero);

    // The legal moves as documented on CallStateMachine; every other pair of distinct states is illegal.
    private static readonly HashSet<(CallState From, CallState To)> Legal =
    [
        (CallState.Ringing, CallState.Answering),
        (CallState.Answering, CallState.Connected),
        (CallState.Connected, CallState.Ending),
        (CallState.Answering, CallState.Ending),
        (CallState.Ringing, CallState.Ended),
        (CallState.Answering, CallState.Ended),
        (CallState.Connected, CallState.Ended),
        (CallState.Ending, CallState.Ended),
        (CallState.Ringing, CallState.Failed),
        (CallState.Answering, CallState.Failed),
        (CallState.Connected, CallState.Failed),
        (CallState.Ending, CallState.Failed),
    ];

    public static TheoryData<CallState, CallState> AllPairs()
    {
        var data = new TheoryData<CallState, CallState>();
        foreach (var from in Enum.GetValues<CallState>())
        {
            foreach (var to in Enum.GetValues<CallState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    private static CallSession SessionIn(CallState state) => new()
    {
        CallId = "call-1",
        State = state,
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_of_states_is_legal_or_illegal_as_documented(CallState from, CallState to)
    {
        var session = SessionIn(from);
        var at = Created.AddSeconds(5);
        var result = CallStateMachine.TryMoveTo(session, to, at, "why");

        if (from == to)
        {
            Assert.False(CallStateMachine.CanMove(from, to));
            Assert.Equal(CallTransitionResult.AlreadyThere, result);
            Assert.Equal(from, session.State);
            Assert.Empty(session.History);
            Assert.Equal(Created, session.UpdatedAt);
        }
        else if (Legal.Contains((from, to)))
        {
            Assert.True(CallStateMachine.CanMove(from, to));
            Assert.Equal(CallTransitionResult.Applied, result);
            Assert.Equal(to, session.State);
            Assert.Equal(at, session.UpdatedAt);
            Assert.Equal(new CallStateChange(to, at, "why"), Assert.Single(session.History));
        }
        else
        {
            Assert.False(CallStateMachine.CanMove(from, to));
            Assert.Equal(CallTransitionResult.Illegal, result);
            Assert.Equal(from, session.State);
            Assert.Empty(session.History);
            Assert.Equal(Created, session.UpdatedAt);
            Assert.Null(session.EndedAt);
            Assert.Null(session.ConnectedAt);
        }
    }

    [Fact]
    public void The_matrix_has_exactly_twelve_legal_moves()
    {
        var states = Enum.GetValues<CallState>();
        var legal = states.SelectMany(f => states.Select(t => (f, t))).Count(p => CallStateMachine.CanMove(p.f, p.t));
        Assert.Equal(12, legal);
    }

    [Theory]
    [InlineData(CallState.Ended)]
    [InlineData(CallState.Failed)]
    public void Final_states_are_final(CallState final)
    {
        Assert.True(CallStateMachine.IsFinal(final));
        foreach (var to in Enum.GetValues<CallState>())
        {
            Assert.False(CallStateMachine.CanMove(final, to));
        }
    }

    [Theory]
    [InlineData(CallState.Ringing)]
    [InlineData(CallState.Answering)]
    [InlineData(CallState.Connected)]
    [InlineData(CallState.Ending)]
    public void Other_states_are_not_final(CallState state) => Assert.False(CallStateMachine.IsFinal(state));

    [Fact]
    public void A_full_call_records_its_history_and_times()
    {
        var session = SessionIn(CallState.Ringing);
        var t = Created;
        Assert.Equal(CallTransitionResult.Applied, CallStateMachine.TryMoveTo(session, CallState.Answering, t.AddSeconds(1)));
        Assert.Equal(CallTransitionResult.Applied, CallStateMachine.TryMoveTo(session, CallState.Connected, t.AddSeconds(2), "CallConnected"));
        Assert.Equal(CallTransitionResult.AlreadyThere, CallStateMachine.TryMoveTo(session, CallState.Connected, t.AddSeconds(3), "duplicate"));
        Assert.Equal(CallTransitionResult.Applied, CallStateMachine.TryMoveTo(session, CallState.Ending, t.AddSeconds(60), "hang up"));
        Assert.Equal(CallTransitionResult.Applied, CallStateMachine.TryMoveTo(session, CallState.Ended, t.AddSeconds(61), "CallDisconnected"));
        Assert.Equal(CallTransitionResult.AlreadyThere, CallStateMachine.TryMoveTo(session, CallState.Ended, t.AddSeconds(62), "again"));
        Assert.Equal(CallTransitionResult.Illegal, CallStateMachine.TryMoveTo(session, CallState.Failed, t.AddSeconds(63), "late"));

        Assert.Equal(
            [
                new CallStateChange(CallState.Answering, t.AddSeconds(1), null),
                new CallStateChange(CallState.Connected, t.AddSeconds(2), "CallConnected"),
                new CallStateChange(CallState.Ending, t.AddSeconds(60), "hang up"),
                new CallStateChange(CallState.Ended, t.AddSeconds(61), "CallDisconnected"),
            ],
            session.History);
        Assert.Equal(t.AddSeconds(2), session.ConnectedAt);
        Assert.Equal(t.AddSeconds(61), session.EndedAt);
        Assert.Equal("CallDisconnected", session.EndReason);
        Assert.Equal(t.AddSeconds(61), session.UpdatedAt);
        Assert.Equal(CallState.Ended, session.State);
    }

    [Fact]
    public void Failing_before_connecting_records_the_reason_and_no_connect_time()
    {
        var session = SessionIn(CallState.Ringing);
        CallStateMachine.TryMoveTo(session, CallState.Answering, Created.AddSeconds(1));
        Assert.Equal(CallTransitionResult.Applied, CallStateMachine.TryMoveTo(session, CallState.Failed, Created.AddSeconds(2), "AnswerFailed 8523"));
        Assert.Null(session.ConnectedAt);
        Assert.Equal(Created.AddSeconds(2), session.EndedAt);
        Assert.Equal("AnswerFailed 8523", session.EndReason);
    }

    [Fact]
    public void An_existing_end_reason_is_kept()
    {
        var session = SessionIn(CallState.Ending);
        session.EndReason = "caller said goodbye";
        CallStateMachine.TryMoveTo(session, CallState.Ended, Created.AddSeconds(1), "CallDisconnected");
        Assert.Equal("caller said goodbye", session.EndReason);
    }

    [Fact]
    public void A_null_session_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => CallStateMachine.TryMoveTo(null!, CallState.Ended, Created));
}
