using DvServerless.Testing;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

public sealed class SipIncomingServiceTests
{
    private const string SipCallId = "rtc_u1_0123456789abcdef0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly FakeRealtimeCallControl _control = new();
    private readonly FakeSipWorkerClient _worker = new();
    private readonly SipRoutingOptions _routing = new();
    private readonly SipIncomingService _service;

    public SipIncomingServiceTests()
    {
        _service = new SipIncomingService(_sessions, _control, _worker, new SipRoutingPolicy(Options.Create(_routing)), new SipWebhookIdCache(_time),
            Options.Create(_routing), new AgentOptions { Model = "gpt-realtime", Voice = "marin", Instructions = "Be brief." }, _time,
            NullLogger<SipIncomingService>.Instance);
    }

    [Fact]
    public async Task An_incoming_call_is_accepted_with_the_agent_handed_to_the_worker_and_keeps_its_sip_headers()
    {
        var outcome = await _service.HandleAsync(Call("wh_1", ("From", "\"A\" <sip:+14155550100@x>"), ("To", "<sip:+14155550199@y>"), ("X-Tag", "a"), ("x-tag", "b")));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal(SipIncomingService.SessionIdFor(SipCallId), outcome.CallId);
        var accept = Assert.Single(_control.Requests);
        Assert.Equal(("accept", SipCallId), (accept.Operation, accept.CallId));
        Assert.Contains("\"model\":\"gpt-realtime\"", accept.Detail);
        Assert.Contains("\"name\":\"end_call\"", accept.Detail);
        Assert.Contains("\"name\":\"transfer\"", accept.Detail);
        Assert.DoesNotContain("threshold", accept.Detail);
        Assert.Equal((outcome.CallId, SipCallId), Assert.Single(_worker.Attaches));

        var session = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal(CallChannel.Sip, session.Channel);
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected], session.History.Select(h => h.State));
        Assert.Equal(SipCallId, session.Metadata[SipSessionMetadata.OpenAICallId]);
        Assert.Equal("wh_1", session.Metadata[SipSessionMetadata.WebhookId]);
        // Ordered, repeats kept, names as sent.
        Assert.Equal(
            """[{"name":"From","value":"\"A\" <sip:+14155550100@x>"},{"name":"To","value":"<sip:+14155550199@y>"},{"name":"X-Tag","value":"a"},{"name":"x-tag","value":"b"}]""",
            session.Metadata[SipSessionMetadata.Headers]);
        Assert.Equal("\"A\" <sip:+14155550100@x>", session.From);
    }

    [Fact]
    public async Task A_redelivery_with_the_same_webhook_id_or_the_same_call_id_never_accepts_twice()
    {
        Assert.Equal(SipIncomingResult.Accepted, (await _service.HandleAsync(Call("wh_1"))).Result);
        Assert.Equal(SipIncomingResult.Duplicate, (await _service.HandleAsync(Call("wh_1"))).Result);
        // A different delivery id for the same call (e.g. after the id cache forgot it) stops at the session.
        Assert.Equal(SipIncomingResult.Duplicate, (await _service.HandleAsync(Call("wh_2"))).Result);

        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_call_accept_once_and_attach_one_sideband()
    {
        var gate = new TaskCompletionSource();
        _control.AcceptGate = gate.Task;
        var deliveries = Enumerable.Range(0, 8).Select(i => Task.Run(() => _service.HandleAsync(Call(i % 2 == 0 ? "wh_same" : "wh_" + i)))).ToArray();
        await WaitUntilAsync(() => _control.Count("accept") >= 1);
        await Task.Delay(50);
        gate.SetResult();
        var outcomes = await Task.WhenAll(deliveries);

        Assert.Single(outcomes, o => o.Result == SipIncomingResult.Accepted);
        // A copy that found the call still undecided is told to come back (503); none decides anything.
        Assert.All(outcomes.Where(o => o.Result != SipIncomingResult.Accepted), o => Assert.Contains(o.Result, new[] { SipIncomingResult.Duplicate, SipIncomingResult.InProgress }));
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
    }

    [Fact]
    public async Task A_matching_rule_rejects_with_its_status_and_ends_the_session_without_accepting()
    {
        _routing.Rules.Add(new SipRoutingRule { Header = "from", Contains = "+1900", Status = 403 });

        var outcome = await _service.HandleAsync(Call("wh_1", ("From", "<sip:+19005550100@x>")));

        Assert.Equal(SipIncomingResult.Rejected, outcome.Result);
        Assert.Equal(403, outcome.RejectStatus);
        Assert.Equal(("reject", SipCallId, "403"), Assert.Single(_control.Requests));
        Assert.Empty(_worker.Attaches);
        var session = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal(CallState.Ended, session.State);
        Assert.DoesNotContain("5550100", session.EndReason);
    }

    [Fact]
    public async Task A_full_worker_makes_the_call_a_486()
    {
        _worker.HasRoom = false;

        var outcome = await _service.HandleAsync(Call("wh_1"));

        Assert.Equal(SipIncomingResult.Rejected, outcome.Result);
        Assert.Equal(("reject", SipCallId, "486"), Assert.Single(_control.Requests));
    }

    [Fact]
    public async Task An_accept_answered_404_fails_the_session_and_a_redelivery_does_not_accept_again()
    {
        _control.AcceptResult = new RealtimeCallControlResult(RealtimeCallControlOutcome.CallGone, 404, "Call not found.", 1);

        var outcome = await _service.HandleAsync(Call("wh_1"));
        var again = await _service.HandleAsync(Call("wh_2"));

        Assert.Equal(SipIncomingResult.Failed, outcome.Result);
        Assert.Equal(SipIncomingResult.Duplicate, again.Result);
        Assert.Equal(1, _control.Count("accept"));
        Assert.Equal(0, _control.Count("reject"));   // the call is gone: nothing to reject
        Assert.Empty(_worker.Attaches);
        var session = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal(CallState.Failed, session.State);
        Assert.Contains("404", session.EndReason);
    }

    [Fact]
    public async Task An_accept_failing_past_its_retries_fails_the_session_and_rejects_the_call_with_503_once_so_it_does_not_ring_on()
    {
        _control.AcceptResult = new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, 500, "upstream", 3);

        var outcome = await _service.HandleAsync(Call("wh_1"));
        var again = await _service.HandleAsync(Call("wh_2"));

        Assert.Equal(SipIncomingResult.Failed, outcome.Result);
        Assert.Equal(SipIncomingResult.Duplicate, again.Result);
        var reject = Assert.Single(_control.Requests, r => r.Operation == "reject");
        Assert.Equal((SipCallId, "503"), (reject.CallId, reject.Detail));
        Assert.Empty(_worker.Attaches);
        Assert.Equal(CallState.Failed, (await _sessions.GetAsync(outcome.CallId))!.State);
    }

    [Fact]
    public async Task A_worker_that_refuses_the_attach_gets_the_call_hung_up_and_the_session_failed()
    {
        _worker.TakesAttach = false;

        var outcome = await _service.HandleAsync(Call("wh_1"));

        Assert.Equal(SipIncomingResult.Failed, outcome.Result);
        Assert.Equal(["accept", "hangup"], _control.Requests.Select(r => r.Operation));
        Assert.Equal(CallState.Failed, (await _sessions.GetAsync(outcome.CallId))!.State);
    }

    [Fact]
    public async Task A_failure_before_the_decision_is_retried_by_the_redelivery_and_the_call_accepted_once()
    {
        _worker.CapacityFailure = new HttpRequestException("connection reset");
        await Assert.ThrowsAsync<HttpRequestException>(() => _service.HandleAsync(Call("wh_1")));
        _worker.CapacityFailure = null;
        var callId = SipIncomingService.SessionIdFor(SipCallId);
        Assert.Equal(CallState.Ringing, (await _sessions.GetAsync(callId))!.State);

        // OpenAI's retry keeps the webhook-id. Soon after, the call looks like it is being decided elsewhere: come back later.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(SipIncomingResult.InProgress, (await _service.HandleAsync(Call("wh_1"))).Result);
        Assert.Empty(_control.Requests);

        _time.Advance(_routing.UndecidedTakeoverAfter);
        var retried = await _service.HandleAsync(Call("wh_1"));

        Assert.Equal(SipIncomingResult.Accepted, retried.Result);
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
        var session = (await _sessions.GetAsync(callId))!;
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected], session.History.Select(h => h.State));
        Assert.Equal("wh_1", session.Metadata[SipSessionMetadata.TakenOverBy]);
        Assert.Equal(SipIncomingResult.Duplicate, (await _service.HandleAsync(Call("wh_9"))).Result);
    }

    [Fact]
    public async Task A_call_left_ringing_by_a_dead_instance_is_taken_over_by_exactly_one_of_several_redeliveries()
    {
        // What another instance left behind when it died after creating the session.
        var other = new SipIncomingService(_sessions, new FakeRealtimeCallControl(), new FakeSipWorkerClient { CapacityFailure = new TimeoutException() },
            new SipRoutingPolicy(Options.Create(_routing)), new SipWebhookIdCache(_time), Options.Create(_routing), new AgentOptions(), _time,
            NullLogger<SipIncomingService>.Instance);
        await Assert.ThrowsAsync<TimeoutException>(() => other.HandleAsync(Call("wh_0")));
        _time.Advance(_routing.UndecidedTakeoverAfter + TimeSpan.FromSeconds(1));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(() => _service.HandleAsync(Call("wh_" + i)))));

        Assert.Single(outcomes, o => o.Result == SipIncomingResult.Accepted);
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
        Assert.Equal(CallState.Connected, (await _sessions.GetAsync(SipIncomingService.SessionIdFor(SipCallId)))!.State);
    }

    [Theory]
    [InlineData(DecisionStorageFault.CreateAnswerLost)]
    [InlineData(DecisionStorageFault.CommitAnswerLost)]
    [InlineData(DecisionStorageFault.CommitFailedOnceAfterLanding)]
    [InlineData(DecisionStorageFault.CommitFailedTwiceAfterLanding)]
    [InlineData(DecisionStorageFault.CommitFailedTwiceWithoutLanding)]
    public async Task A_delivery_whose_own_write_storage_left_in_doubt_still_accepts_the_call(DecisionStorageFault fault)
    {
        // Taken for another delivery's, a lost create answered "another delivery is deciding" (the call waited for a
        // redelivery and the take-over time), and a lost move left the call never accepted, with a 200 that kept OpenAI from
        // delivering it again. A commit given up after storage's silence answered 503 with the call decided: every
        // redelivery found it decided, and nobody accepted it.
        _sessions.Inject(fault);

        var outcome = await _service.HandleAsync(Call("wh_1"));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected],
            (await _sessions.GetAsync(outcome.CallId))!.History.Select(h => h.State));
    }

    [Fact]
    public async Task A_commit_storage_fails_at_every_try_accepts_nothing_and_the_redelivery_is_a_duplicate()
    {
        _sessions.FailUpdates(CallSessionClaims.CommitAttempts);

        await Assert.ThrowsAsync<TimeoutException>(() => _service.HandleAsync(Call("wh_1")));
        _time.Advance(TimeSpan.FromSeconds(10));
        var redelivery = await _service.HandleAsync(Call("wh_2"));

        Assert.Equal(SipIncomingResult.Duplicate, redelivery.Result);
        Assert.Equal(0, _control.Count("accept"));
        Assert.Equal(CallState.Answering, (await _sessions.GetAsync(redelivery.CallId))!.State);
    }

    [Fact]
    public async Task An_accepted_call_gets_its_sideband_though_storage_could_not_record_the_accept()
    {
        // The accept went through; the write saying so failed. Without the attach nobody would greet, record or end the call.
        _sessions.FailUpdates(1, after: 1, land: false);

        var outcome = await _service.HandleAsync(Call("wh_1"));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
    }

    [Fact]
    public async Task Another_delivery_of_a_call_being_accepted_is_still_a_duplicate_however_late()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _control.AcceptGate = release.Task;
        var first = Task.Run(() => _service.HandleAsync(Call("wh_1")));
        // The accept is sent only after the move to Answering applied.
        await WaitUntilAsync(() => _control.Count("accept") == 1);

        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await _service.HandleAsync(Call("wh_2"));
        release.SetResult();

        Assert.Equal(SipIncomingResult.Duplicate, second.Result);
        Assert.Equal(SipIncomingResult.Accepted, (await first).Result);
        Assert.Equal(1, _control.Count("accept"));
    }

    [Fact]
    public async Task A_delivery_carries_out_its_decision_with_storage_waited_for_not_given_up_at_the_request_budget()
    {
        var sessions = new ScopeRecordingSessionStore(_sessions);
        var service = new SipIncomingService(sessions, _control, _worker, new SipRoutingPolicy(Options.Create(_routing)), new SipWebhookIdCache(_time),
            Options.Create(_routing), new AgentOptions(), _time, NullLogger<SipIncomingService>.Instance);

        SipIncomingOutcome outcome;
        using (InteractiveStorageScope.Begin())
        {
            outcome = await service.HandleAsync(Call("wh_1"));
        }

        // The create may be given up (a 503 decides nothing). Past the move to Answering, a write given up at the budget
        // would answer 503 with the call decided and not accepted, and the redelivery would find it decided and leave it.
        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal(("create", true), sessions.Writes.First());
        Assert.All(sessions.Writes.Skip(1), write => Assert.Equal(("update", false), write));
        Assert.True(sessions.Writes.Count >= 3, string.Join(", ", sessions.Writes));
    }

    [Fact]
    public async Task A_delivery_whose_webhook_request_is_given_up_during_the_accept_still_accepts_and_attaches()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _control.AcceptGate = release.Task;
        using var request = new CancellationTokenSource();

        var delivery = _service.HandleAsync(Call("wh_1"), request.Token);
        await WaitUntilAsync(() => _control.Count("accept") == 1);
        // OpenAI stops waiting for the webhook's answer while the accept is in flight: the call is decided, so it goes on.
        await request.CancelAsync();
        release.SetResult();
        var outcome = await delivery;

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Single(_worker.Attaches);
        Assert.Equal(CallState.Connected, (await _sessions.GetAsync(outcome.CallId))!.State);
    }

    [Fact]
    public async Task A_decided_call_is_never_taken_over_however_late_the_redelivery()
    {
        _control.AcceptResult = new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, 500, "upstream", 3);
        Assert.Equal(SipIncomingResult.Failed, (await _service.HandleAsync(Call("wh_1"))).Result);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(SipIncomingResult.Duplicate, (await _service.HandleAsync(Call("wh_2"))).Result);
        Assert.Equal(1, _control.Count("accept"));
    }

    private static SipIncomingCall Call(string webhookId, params (string Name, string Value)[] headers) =>
        new(webhookId, "evt_1", RealtimeCallIncomingParser.CallIncomingType, SipCallId, DateTimeOffset.FromUnixTimeSeconds(1_768_000_000),
            new SipHeaderCollection(headers.Select(h => new SipHeader(h.Name, h.Value))));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
