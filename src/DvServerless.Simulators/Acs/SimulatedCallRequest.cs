using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>What a simulated PSTN caller does: whom it calls, what it says, and when it hangs up.</summary>
public sealed record SimulatedCallRequest
{
    /// <summary>The IncomingCall webhook (the Functions <c>/api/acs/incoming-call</c> endpoint).</summary>
    public required Uri IncomingCallUrl { get; init; }

    /// <summary>The caller's raw id.</summary>
    public string From { get; init; } = "4:+14255550123";

    /// <summary>The called number's raw id.</summary>
    public string To { get; init; } = "4:+14255550100";

    /// <summary>The caller's display name in the IncomingCall event.</summary>
    public string CallerDisplayName { get; init; } = string.Empty;

    /// <summary>The caller's speech as PCM16 mono in <see cref="CallerAudioFormat"/>; ignored when <see cref="CallerWavPath"/> is set.</summary>
    public ReadOnlyMemory<byte> CallerAudio { get; init; }

    /// <summary>The format of <see cref="CallerAudio"/>.</summary>
    public AudioFormat CallerAudioFormat { get; init; } = AudioFormat.Pcm16k;

    /// <summary>A PCM16 mono WAV file with the caller's speech.</summary>
    public string? CallerWavPath { get; init; }

    /// <summary>The schema of the IncomingCall delivery.</summary>
    public IncomingCallEventSchema EventSchema { get; init; } = IncomingCallEventSchema.EventGrid;

    /// <summary>How many times the same IncomingCall is delivered, concurrently (2 = a duplicate delivery).</summary>
    public int Deliveries { get; init; } = 1;

    /// <summary>
    /// The waits before each redelivery of an IncomingCall the app did not acknowledge, as Event Grid retries a webhook:
    /// any failure or status other than 2xx, 400, 401, 403 and 413 is retried. The default is Event Grid's schedule (10 s,
    /// then 30 s) cut to the three attempts the deployment's subscription allows (<c>maxDeliveryAttempts: 3</c>).
    /// Redelivery stops once the call has ended.
    /// </summary>
    public IReadOnlyList<TimeSpan> RedeliveryDelays { get; init; } = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    /// <summary>The caller hangs up once its audio is done and the agent has been quiet this long.</summary>
    public TimeSpan HangUpAfterAgentQuiet { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The caller hangs up after this long from the answer, whatever happens.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sees every message the app sends on the media socket as it arrives, on the socket's receive loop: it must be quick
    /// and must not throw. Lets a load run measure frame timing while the call is up instead of from a stored record.
    /// </summary>
    public Action<OutboundMediaMessage>? OnOutboundMessage { get; init; }

    /// <summary>
    /// Keep the heard agent audio and every outbound message in <see cref="SimulatedCallResult"/> (the default). Off for
    /// load and soak runs: a call would otherwise grow by ~48 KB per second of agent audio and one record per frame;
    /// segments, gaps and StopAudios are kept either way.
    /// </summary>
    public bool KeepMediaRecord { get; init; } = true;

    /// <summary>
    /// Keys the caller presses, each at its offset from the start of media. ACS streams them as <c>DtmfData</c> only when
    /// the app answered with <c>enableDtmfTones: true</c>; otherwise they are not sent (and a progress note says so). The
    /// caller does not hang up before its last key.
    /// </summary>
    public IReadOnlyList<SimulatedKeypress> Keypresses { get; init; } = [];

    /// <summary>
    /// How ACS ends the app's transfer of this call: null accepts it (CallTransferAccepted, then the app's leg is
    /// disconnected); set, the transfer fails with it (CallTransferFailed) and the call stays with the app.
    /// </summary>
    public SimulatedTransferFailure? TransferFailure { get; init; }

    /// <summary>How long the call rings before the caller gives up unanswered.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
