namespace DvServerless.Simulators.Acs;

/// <summary>
/// The record of one simulated call that its parts write as things happen: answer attempts, plays, transfer, media
/// connection and timings, keys pressed, frames sent, the app's media messages and its protocol breaches. It becomes
/// the most of a <see cref="SimulatedCallResult"/>.
/// </summary>
internal sealed class SimulatedCallRecorder(object gate, SimulatedCallRequest request)
{
    private readonly List<string> _protocolErrors = [];
    private readonly List<string> _plays = [];
    private readonly List<char> _tonesSent = [];
    private readonly List<OutboundMediaMessage> _outbound = [];
    private int _framesSent;

    /// <summary>Answer requests for the call, successful or not. Under the call's lock.</summary>
    public int AnswerAttempts { get; set; }

    /// <summary>Where the call was redirected or transferred to. Under the call's lock.</summary>
    public string? TransferTarget { get; set; }

    public bool MediaConnected { get; set; }

    public string? MediaConnectError { get; set; }

    public TimeSpan? AnsweredAfter { get; set; }

    public TimeSpan? MediaStartedAfter { get; set; }

    public TimeSpan? CallerAudioEndedAt { get; set; }

    public TimeSpan? EndedAt { get; set; }

    /// <summary>A play request's body. Under the call's lock.</summary>
    public void AddPlay(string body) => _plays.Add(body);

    /// <summary>One DtmfData key went out.</summary>
    public void AddTone(char key)
    {
        lock (gate)
        {
            _tonesSent.Add(key);
        }
    }

    /// <summary>One AudioData frame went out.</summary>
    public void AddAudioFrame() => Interlocked.Increment(ref _framesSent);

    /// <summary>Records a message the app sent on the media socket (when the request keeps the media record).</summary>
    public void AddOutbound(OutboundMediaMessage message)
    {
        request.OnOutboundMessage?.Invoke(message);
        if (!request.KeepMediaRecord)
        {
            return;
        }

        lock (gate)
        {
            _outbound.Add(message);
        }
    }

    /// <summary>Records a breach of the media protocol by the app.</summary>
    public void AddProtocolError(string error)
    {
        lock (gate)
        {
            _protocolErrors.Add(error);
        }
    }

    /// <summary>The recorded part of the call's result. Under the call's lock.</summary>
    public SimulatedCallResult ToResult(SimulatedCallOutcome outcome) => new()
    {
        Outcome = outcome,
        AnswerAttempts = AnswerAttempts,
        OutboundMessages = _outbound.ToArray(),
        ProtocolErrors = _protocolErrors.ToArray(),
        PlayRequests = _plays.ToArray(),
        TransferTarget = TransferTarget,
        MediaConnected = MediaConnected,
        MediaConnectError = MediaConnectError,
        AudioFramesSent = _framesSent,
        TonesSent = _tonesSent.ToArray(),
        AnsweredAfter = AnsweredAfter,
        MediaStartedAfter = MediaStartedAfter,
        CallerAudioEndedAt = CallerAudioEndedAt,
        EndedAt = EndedAt,
    };
}
