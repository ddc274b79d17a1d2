using System.Text.Json.Serialization;

namespace DvServerless.Cli.Calls;

/// <summary>The machine-readable result of <c>dvs call --json</c>, for scripts and CI.</summary>
public sealed record CallSummary
{
    /// <summary>The gateway's call id.</summary>
    public required string CallId { get; init; }

    /// <summary>The ACS call connection id the simulator assigned.</summary>
    public string? CallConnectionId { get; init; }

    /// <summary>The engine that played the agent (e.g. <c>realtime-simulator</c>, <c>openai-realtime</c>).</summary>
    public required string Engine { get; init; }

    /// <summary>True when the agent was the bundled Realtime simulator, not a real model.</summary>
    public bool Simulated { get; init; }

    /// <summary>The final state of the call's session document (<c>Ended</c> on success).</summary>
    public required string FinalState { get; init; }

    /// <summary>The state changes the session went through.</summary>
    public IReadOnlyList<string> StateHistory { get; init; } = [];

    /// <summary>How many times ACS was asked to answer the call (1 on success).</summary>
    public int AnswerRequests { get; init; }

    /// <summary>The conversation, in order.</summary>
    public IReadOnlyList<CallTurn> Turns { get; init; } = [];

    /// <summary>Every barge-in.</summary>
    public IReadOnlyList<CallBargeIn> BargeIns { get; init; } = [];

    /// <summary>Milliseconds of agent audio the caller heard in all.</summary>
    public int AgentAudioHeardMs { get; init; }

    /// <summary>Agent audio frames that reached the caller after a StopAudio and before the next agent turn (0 when barge-in works).</summary>
    public int AgentFramesAfterStopAudio { get; init; }

    /// <summary>
    /// Holes the caller heard inside agent speech (audio that ran dry and resumed within one agent item), in
    /// milliseconds, in order; empty when playout was smooth. Natural pauses between turns are not counted.
    /// </summary>
    public IReadOnlyList<int> PlayoutGapsMs { get; init; } = [];

    /// <summary>Milliseconds from the answer request to the first agent audio frame at the caller, when measured.</summary>
    public int? AnswerToFirstAgentAudioMs { get; init; }

    /// <summary>Total call length in milliseconds.</summary>
    public int DurationMs { get; init; }

    /// <summary>Where the agent's audio was written, if it was.</summary>
    public string? AgentWav { get; init; }

    /// <summary>For <c>dvs call --sip</c>: the SIP side (webhook attempts, accepts, sidebands, headers); null for ACS calls.</summary>
    public SipCallDetails? Sip { get; init; }

    /// <summary>Protocol errors the simulators saw (empty when every message followed the specs).</summary>
    public IReadOnlyList<string> ProtocolErrors { get; init; } = [];
}

/// <summary>One turn of the conversation.</summary>
public sealed record CallTurn
{
    /// <summary><c>caller</c> or <c>agent</c>.</summary>
    public required string Speaker { get; init; }

    /// <summary>What was said; for an interrupted agent turn, what the caller heard of it.</summary>
    public required string Text { get; init; }

    /// <summary>For an interrupted agent turn: the whole text the agent had generated (more than the caller heard).</summary>
    public string? GeneratedText { get; init; }

    /// <summary>Start, in milliseconds from the start of media.</summary>
    public long StartMs { get; init; }

    /// <summary>End, in milliseconds from the start of media.</summary>
    public long? EndMs { get; init; }

    /// <summary>True for an agent turn the caller cut off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Interrupted { get; init; }
}

/// <summary>One barge-in: where the caller cut the agent off, and what they had heard.</summary>
public sealed record CallBargeIn
{
    /// <summary>When, in milliseconds from the start of media.</summary>
    public long AtMs { get; init; }

    /// <summary>The agent item cut off.</summary>
    public string? ItemId { get; init; }

    /// <summary>The <c>audio_end_ms</c> sent with <c>conversation.item.truncate</c>.</summary>
    public int? TruncateAudioEndMs { get; init; }

    /// <summary>Milliseconds of that item the worker sent toward the caller.</summary>
    public int? SentMs { get; init; }

    /// <summary>Milliseconds of that item the engine produced.</summary>
    public int? ProducedMs { get; init; }

    /// <summary>Milliseconds of agent audio the caller actually heard before the StopAudio (measured at the ACS simulator).</summary>
    public int? CallerHeardMs { get; init; }

    /// <summary>Milliseconds of queued agent audio the StopAudio flushed at the ACS simulator.</summary>
    public int? FlushedMs { get; init; }
}
