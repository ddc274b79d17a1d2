using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>Everything recorded about one simulated call, for assertions and the CLI's summary.</summary>
public sealed record SimulatedCallResult
{
    /// <summary>How the call ended.</summary>
    public required SimulatedCallOutcome Outcome { get; init; }

    /// <summary>The call connection id the answer created, or null when never answered.</summary>
    public string? CallConnectionId { get; init; }

    /// <summary>Answers that succeeded (must be exactly 1 for an answered call).</summary>
    public int AnswerCount { get; init; }

    /// <summary>Answer requests for this call, refused ones included.</summary>
    public int AnswerAttempts { get; init; }

    /// <summary>HTTP status of each IncomingCall delivery attempt, redeliveries included, in the order they were answered (null when the request failed).</summary>
    public IReadOnlyList<int?> IncomingCallDeliveries { get; init; } = [];

    /// <summary>The agent audio the caller heard, concatenated, in <see cref="HeardFormat"/>.</summary>
    public byte[] HeardAudio { get; init; } = [];

    /// <summary>The format of <see cref="HeardAudio"/> (the negotiated media format).</summary>
    public AudioFormat HeardFormat { get; init; }

    /// <summary>Contiguous stretches of heard agent audio.</summary>
    public IReadOnlyList<AgentAudioSegment> Segments { get; init; } = [];

    /// <summary>Silences under 300 ms inside segments: agent audio that ran dry and resumed (longer ones split segments).</summary>
    public IReadOnlyList<AgentAudioGap> PlayoutGaps { get; init; } = [];

    /// <summary>Every StopAudio the app sent.</summary>
    public IReadOnlyList<StopAudioRecord> StopAudios { get; init; } = [];

    /// <summary>Every message the app sent on the media socket.</summary>
    public IReadOnlyList<OutboundMediaMessage> OutboundMessages { get; init; } = [];

    /// <summary>Protocol errors the app made (bad media messages, binary frames, …).</summary>
    public IReadOnlyList<string> ProtocolErrors { get; init; } = [];

    /// <summary>Callbacks posted to the app, with their HTTP status codes.</summary>
    public IReadOnlyList<CallbackDelivery> Callbacks { get; init; } = [];

    /// <summary>The Play requests the app made (request bodies).</summary>
    public IReadOnlyList<string> PlayRequests { get; init; } = [];

    /// <summary>The transfer target's raw id when the app transferred the call.</summary>
    public string? TransferTarget { get; init; }

    /// <summary>Whether the media WebSocket connected.</summary>
    public bool MediaConnected { get; init; }

    /// <summary>Why the media WebSocket could not connect, if it failed.</summary>
    public string? MediaConnectError { get; init; }

    /// <summary>Caller audio frames sent (speech and silence).</summary>
    public int AudioFramesSent { get; init; }

    /// <summary>The <c>DtmfData</c> tones sent to the app, in order (empty when the app did not enable DTMF tones).</summary>
    public IReadOnlyList<char> TonesSent { get; init; } = [];

    /// <summary>Time from placing the call to the (first successful) answer.</summary>
    public TimeSpan? AnsweredAfter { get; init; }

    /// <summary>Time from placing the call to the media socket opening.</summary>
    public TimeSpan? MediaStartedAfter { get; init; }

    /// <summary>When the caller's speech ended, relative to media start.</summary>
    public TimeSpan? CallerAudioEndedAt { get; init; }

    /// <summary>When the call ended, relative to media start (null without media).</summary>
    public TimeSpan? EndedAt { get; init; }

    /// <summary>Total time from placing the call to its end.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The <c>resultInformation.subCode</c> of CallDisconnected (5001 caller hang-up, 7000 app hang-up), if posted.</summary>
    public int? DisconnectSubCode { get; init; }
}
