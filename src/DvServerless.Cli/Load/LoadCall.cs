using System.Globalization;
using DvServerless.Core.Calls;
using DvServerless.Core.Records;
using DvServerless.Functions.Calls;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Load;

/// <summary>
/// One caller of a load run: dials the stack's IncomingCall webhook through the ACS simulator, speaks the shared
/// <see cref="LoadCallerScript"/> for the run's duration, measures the agent's frames as they arrive, hangs up, and
/// decides whether the call went as a real one must: answered, media up, agent audio heard, no protocol error, the
/// media socket never dropped by the app, and the session ended (not failed).
/// </summary>
public sealed class LoadCall
{
    /// <summary>How long after the hang-up a call's session may take to reach its final state before the call counts as failed.</summary>
    public static readonly TimeSpan SessionSettleTime = TimeSpan.FromSeconds(30);

    private static readonly string[] FailureNotes = ["media socket closed by app", "media socket send failed", "media connect failed"];
    private readonly LocalStack.LocalStack _stack;
    private readonly LoadCallerScript _script;
    private readonly LoadMeasurements _measurements;
    private readonly bool _readAnswers;

    /// <summary>
    /// A caller on <paramref name="stack"/> that records into <paramref name="measurements"/>; with
    /// <paramref name="readAnswers"/> (an engine that recognises speech) it also reads each completed call's record to count
    /// the agent's answers that answered what the caller said.
    /// </summary>
    public LoadCall(LocalStack.LocalStack stack, LoadCallerScript script, LoadMeasurements measurements, bool readAnswers = false)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(measurements);
        _stack = stack;
        _script = script;
        _measurements = measurements;
        _readAnswers = readAnswers;
    }

    /// <summary>Places call number <paramref name="index"/>, lasting <paramref name="duration"/> from its answer.</summary>
    public async Task<LoadCallOutcome> RunAsync(int index, TimeSpan duration, CancellationToken cancellationToken)
    {
        var meter = new FrameJitterMeter(_measurements.Jitter, _measurements.PlayoutLead);
        var answers = new AnswerLatencyMeter(_script, _measurements.AnswerLatency);
        SimulatedCall call;
        try
        {
            call = await _stack.Acs.PlaceCallAsync(new SimulatedCallRequest
            {
                IncomingCallUrl = _stack.IncomingCallUrl,
                // A distinct caller per call, as real traffic has.
                From = "4:+1425" + (5_000_000 + index).ToString("D7", CultureInfo.InvariantCulture),
                CallerAudio = _script.Pcm,
                CallerAudioFormat = _script.Format,
                MaxDuration = duration,
                // The caller hangs up at MaxDuration, not because the agent went quiet between turns.
                HangUpAfterAgentQuiet = duration + TimeSpan.FromMinutes(1),
                // A loaded machine answers slower than an idle one; a real caller waits through several rings too.
                AnswerTimeout = TimeSpan.FromSeconds(30),
                OnOutboundMessage = message =>
                {
                    meter.OnMessage(message);
                    answers.OnMessage(message);
                },
                KeepMediaRecord = false,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException)
        {
            return new LoadCallOutcome(index, "could not place the call: " + exception.Message, 0, 0);
        }

        using (call)
        {
            string? badNote = null;
            var answered = false;
            await foreach (var note in call.ReadProgressAsync(cancellationToken).ConfigureAwait(false))
            {
                if (note.Note == "answered" && !answered)
                {
                    answered = true;
                    _measurements.CallAnswered();
                }

                badNote ??= FailureNotes.FirstOrDefault(bad => note.Note.StartsWith(bad, StringComparison.Ordinal)) is { } bad ? note.Note : null;
            }

            var result = await call.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (answered)
            {
                _measurements.CallEnded();
            }

            RecordBargeInsHeard(result);
            var failure = await FailureOfAsync(result, call.CorrelationId, badNote, meter, cancellationToken).ConfigureAwait(false);
            return new LoadCallOutcome(index, failure, meter.Frames, meter.Measured);
        }
    }

    private async Task<string?> FailureOfAsync(SimulatedCallResult result, string correlationId, string? badNote, FrameJitterMeter meter,
        CancellationToken cancellationToken)
    {
        if (result.Outcome != SimulatedCallOutcome.CallerHungUp)
        {
            var never = result.CallConnectionId is null ? await NeverAnsweredAsync(result, correlationId, cancellationToken).ConfigureAwait(false) : string.Empty;
            return "ended as " + result.Outcome + (result.MediaConnectError is { } error ? ": " + error : string.Empty) + never;
        }

        if (!result.MediaConnected)
        {
            return "media never connected" + (result.MediaConnectError is { } error ? ": " + error : string.Empty);
        }

        if (result.ProtocolErrors.Count > 0)
        {
            return "protocol error: " + result.ProtocolErrors[0];
        }

        if (badNote is not null)
        {
            return badNote;
        }

        if (meter.Frames == 0)
        {
            return "the caller heard no agent audio";
        }

        if (result.CallConnectionId is not { } connectionId)
        {
            return "never answered";
        }

        var callId = CallIdOf(result) ?? connectionId;
        var (session, readError) = await WaitForFinalSessionAsync(callId, cancellationToken).ConfigureAwait(false);
        var failure = session?.State switch
        {
            CallState.Ended => null,
            null when readError is not null =>
                $"the harness could not read the session for {SessionSettleTime.TotalSeconds:0} s: {readError.GetType().Name}: {readError.Message}",
            null => "no session document",
            var state => $"session still {state} {SessionSettleTime.TotalSeconds:0} s after the hang-up",
        };
        if (failure is null && _readAnswers)
        {
            await CountAnswersAsync(callId, cancellationToken).ConfigureAwait(false);
        }

        return failure;
    }

    /// <summary>
    /// Reads the call's record: each agent turn that is the load intent's reply (<see cref="LoadEngines.OfflineReply"/>,
    /// or the start of it) answered a line the recognizer heard; any other (the responder's say-back fallback, its "didn't
    /// catch that") did not. The worker finishes the record after the session is final (its last turns, then
    /// <c>call-end</c>), so this waits for <c>call-end</c>, up to <see cref="RecordSettleTime"/>.
    /// </summary>
    private async Task CountAnswersAsync(string callId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RecordSettleTime;
        IReadOnlyList<CallRecordEntry> records;
        while (true)
        {
            try
            {
                records = await _stack.Records.ReadAsync(callId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                // The harness's read failed under the load (see WaitForFinalSessionAsync): try again until the deadline.
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (records.Any(r => r.Kind == "call-end") || DateTime.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        var agentTurns = records.Where(r => r is { Kind: "turn", Speaker: "agent" } && !string.IsNullOrWhiteSpace(r.Text)).ToList();
        var understood = agentTurns.Count(r => LoadEngines.OfflineReply.StartsWith(r.Text!.Trim(), StringComparison.OrdinalIgnoreCase));
        _measurements.AgentAnswered(agentTurns.Count, understood);
    }

    private static readonly TimeSpan RecordSettleTime = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan MaxSessionPollInterval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan NeverAnsweredReadTime = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads the session until it is final, for up to <see cref="SessionSettleTime"/>: with hundreds of calls hanging up
    /// together the Functions app works through a queue of CallDisconnected callbacks. The reads start 250 ms apart and
    /// back off to <see cref="MaxSessionPollInterval"/>: at 250 ms, 200 callers waiting together were over half of the one
    /// Azurite process's requests while the gateway wrote those calls' ends, and slowed what they waited for. A read that
    /// fails (one Azurite process answering hundreds of calls' end-of-call writes can time out a read three times in a row)
    /// is tried again until then: the harness measures the gateway, and its own read failing says nothing about the call.
    /// </summary>
    private Task<(CallSession? Session, Exception? ReadError)> WaitForFinalSessionAsync(string callId, CancellationToken cancellationToken) =>
        ReadSessionAsync(callId, session => session is not null && CallStateMachine.IsFinal(session.State), SessionSettleTime, cancellationToken);

    /// <summary>
    /// Reads the session until <paramref name="done"/> holds for a read that succeeded, or <paramref name="within"/> has
    /// passed; the last read and, when it failed, why. The reads back off as <see cref="WaitForFinalSessionAsync"/> says.
    /// </summary>
    private async Task<(CallSession? Session, Exception? ReadError)> ReadSessionAsync(string callId, Func<CallSession?, bool> done, TimeSpan within,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        var interval = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            CallSession? session = null;
            Exception? readError = null;
            try
            {
                session = await _stack.Sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                readError = exception;
            }

            if ((readError is null && done(session)) || DateTime.UtcNow >= deadline)
            {
                return (session, readError);
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxSessionPollInterval.Ticks));
        }
    }

    /// <summary>Caller-side barge-in reaction: the barge-in line starts → the StopAudio it caused arrives (VAD included).</summary>
    private void RecordBargeInsHeard(SimulatedCallResult result)
    {
        var onsets = _script.BargeIns;
        var next = 0;
        var used = -1;
        foreach (var stop in result.StopAudios)
        {
            while (next < onsets.Count - 1 && onsets[next + 1] <= stop.ArrivedAt)
            {
                next++;
            }

            // The first StopAudio after a barge-in line began is its reaction; one line, one reaction.
            if (next != used && next < onsets.Count && onsets[next] <= stop.ArrivedAt && stop.ArrivedAt - onsets[next] < TimeSpan.FromSeconds(3))
            {
                _measurements.CallerBargeInReaction.Record((stop.ArrivedAt - onsets[next]).TotalMilliseconds);
                used = next;
            }
        }
    }

    /// <summary>
    /// For a call that was never answered, what its IncomingCall deliveries got and where its session stopped
    /// (" (IncomingCall: 503, 200; session Answering: accepting)"): a stack that refused it (503 while storage was slow) reads
    /// apart from one that never answered within Event Grid's timeout, and a delivery that decided the call but did not
    /// answer it (a session left Answering) apart from one that found it decided by another.
    /// </summary>
    private async Task<string> NeverAnsweredAsync(SimulatedCallResult result, string correlationId, CancellationToken cancellationToken)
    {
        if (result.IncomingCallDeliveries.Count == 0)
        {
            return string.Empty;
        }

        var deliveries = string.Join(", ", result.IncomingCallDeliveries.Select(status => status?.ToString(CultureInfo.InvariantCulture) ?? "no answer"));
        // The gateway's id for an ACS call is its correlation id (CallIdDerivation), so the session is found without a
        // callback. Storage that refused the call is likely still busy: any answer will do, tried for a while.
        var (stored, readError) = await ReadSessionAsync(CallIdDerivation.FromValue(correlationId), _ => true, NeverAnsweredReadTime, cancellationToken)
            .ConfigureAwait(false);
        var session = readError is not null ? "session unread: " + readError.GetType().Name
            : stored is null ? "no session"
            : "session " + stored.State + (stored.History.Count > 0 && stored.History[^1].Reason is { } reason ? ": " + reason : string.Empty);
        return " (IncomingCall: " + deliveries + "; " + session + ")";
    }

    private static string? CallIdOf(SimulatedCallResult result)
    {
        var callback = result.Callbacks.Count > 0 ? result.Callbacks[0] : null;
        return callback is null ? null : Uri.UnescapeDataString(callback.Uri.Segments[^1].TrimEnd('/'));
    }
}
