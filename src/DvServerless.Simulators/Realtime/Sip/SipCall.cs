using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// The state of one simulated SIP call: ringing → accepted → ended (or ringing → ended by reject / hangup / no answer).
/// Guarded by one lock; the REST endpoints, the sideband upgrades and the caller leg all go through it.
/// </summary>
internal sealed class SipCall(string callId, string webhookId)
{
    private readonly object _gate = new();
    private readonly List<int> _webhookAttempts = [];
    private readonly List<RealtimeSimulatorSession> _sidebands = [];
    private readonly List<string> _sessionIds = [];
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonObject? _acceptedSession;
    private int _acceptCount;
    private int? _rejectStatus;
    private string? _referTarget;
    private int? _liveWebhookStatus;
    private SipCallEnd _end;
    private int _sidebandCount;

    public string CallId { get; } = callId;

    public string WebhookId { get; } = webhookId;

    /// <summary>Completes on the first accept, reject or end.</summary>
    public Task Decided => _decided.Task;

    /// <summary>Completes when the first sideband attaches.</summary>
    public Task Attached => _attached.Task;

    /// <summary>Completes when the call ends.</summary>
    public Task Ended => _ended.Task;

    public bool IsEnded { get { lock (_gate) { return _end != SipCallEnd.None; } } }

    public bool IsAccepted { get { lock (_gate) { return _acceptedSession is not null && _end == SipCallEnd.None; } } }

    /// <summary>The session body the call was accepted with (a copy).</summary>
    public JsonObject? AcceptedSession { get { lock (_gate) { return (JsonObject?)_acceptedSession?.DeepClone(); } } }

    /// <summary>The first sideband still attached: the session the SIP leg's audio flows into.</summary>
    public RealtimeSimulatorSession? Primary { get { lock (_gate) { return _sidebands.Count > 0 ? _sidebands[0] : null; } } }

    public void AddWebhookAttempt(int status)
    {
        lock (_gate)
        {
            _webhookAttempts.Add(status);
        }
    }

    public void SetLiveWebhookStatus(int status)
    {
        lock (_gate)
        {
            _liveWebhookStatus = status;
        }
    }

    /// <returns>Null when accepted (or accepted again: counted), else the HTTP status to answer.</returns>
    public int? Accept(JsonObject session)
    {
        lock (_gate)
        {
            if (_end != SipCallEnd.None)
            {
                return 404;
            }

            _acceptCount++;
            _acceptedSession ??= (JsonObject)session.DeepClone();
        }

        _decided.TrySetResult();
        return null;
    }

    /// <returns>Null when rejected, else the HTTP status to answer (404 ended, 409 already accepted).</returns>
    public int? Reject(int statusCode)
    {
        lock (_gate)
        {
            if (_end != SipCallEnd.None)
            {
                return 404;
            }

            if (_acceptedSession is not null)
            {
                return 409;
            }

            _rejectStatus = statusCode;
        }

        End(SipCallEnd.Rejected, "call rejected");
        return null;
    }

    /// <returns>Null when referred, else the HTTP status to answer (404 not connected).</returns>
    public int? Refer(string target)
    {
        lock (_gate)
        {
            if (_end != SipCallEnd.None || _acceptedSession is null)
            {
                return 404;
            }

            _referTarget = target;
        }

        End(SipCallEnd.Referred, "call transferred");
        return null;
    }

    /// <returns>Null when hung up, else 404.</returns>
    public int? HangUp()
    {
        return End(SipCallEnd.AppHungUp, "call ended") ? null : 404;
    }

    /// <summary>Ends the call once; closes every sideband. False when it had already ended.</summary>
    public bool End(SipCallEnd end, string reason)
    {
        RealtimeSimulatorSession[] sidebands;
        lock (_gate)
        {
            if (_end != SipCallEnd.None)
            {
                return false;
            }

            _end = end;
            sidebands = _sidebands.ToArray();
        }

        foreach (var session in sidebands)
        {
            session.EndCall(reason);
        }

        _decided.TrySetResult();
        _ended.TrySetResult();
        return true;
    }

    /// <summary>Attaches a sideband; false (→ 404) unless the call is accepted and connected.</summary>
    public bool TryAttach(RealtimeSimulatorSession session)
    {
        lock (_gate)
        {
            if (_acceptedSession is null || _end != SipCallEnd.None)
            {
                return false;
            }

            _sidebands.Add(session);
            _sessionIds.Add(session.SessionId);
            _sidebandCount++;
        }

        _attached.TrySetResult();
        return true;
    }

    public void Detach(RealtimeSimulatorSession session)
    {
        lock (_gate)
        {
            _sidebands.Remove(session);
        }
    }

    public SipCallResult Snapshot(RealtimeSimulatorRecords records)
    {
        lock (_gate)
        {
            var sessions = _sessionIds.ToHashSet(StringComparer.Ordinal);
            return new SipCallResult(
                CallId, WebhookId, _webhookAttempts.ToArray(), _liveWebhookStatus, _acceptCount, _acceptedSession?.ToJsonString(),
                _rejectStatus, _referTarget, _end, _sidebandCount,
                records.Transcripts.Where(t => sessions.Contains(t.SessionId)).ToArray(),
                records.Responses.Where(r => sessions.Contains(r.SessionId)).ToArray());
        }
    }
}
