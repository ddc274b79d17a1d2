using System.Diagnostics;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// The media worker's spans of a call (ActivitySource <see cref="Name"/>): <see cref="MediaSpan"/> for the whole call loop,
/// in the trace the Functions app started for the call, with <see cref="TurnSpan"/>, <see cref="ToolSpan"/> and
/// <see cref="BargeInSpan"/> children. Made by <see cref="CallTraceObserver"/>.
/// </summary>
/// <remarks>The call tags are the Functions app's (<c>dvs.call.id</c>, …), so one query finds a call's spans in both apps.</remarks>
public static class CallTraceSource
{
    /// <summary>The ActivitySource's name.</summary>
    public const string Name = "DvServerless.MediaWorker";

    /// <summary>The call loop, from media and engine up to its end.</summary>
    public const string MediaSpan = "call.media";

    /// <summary>One caller turn: the caller stopped speaking → the agent's first audio went to the caller.</summary>
    public const string TurnSpan = "call.turn";

    /// <summary>One tool call, from its start to its result.</summary>
    public const string ToolSpan = "call.tool";

    /// <summary>One barge-in: from its handling to the stop of playback sent to the caller.</summary>
    public const string BargeInSpan = "call.bargein";

    /// <summary>Tag: the gateway's call id.</summary>
    public const string CallIdTag = "dvs.call.id";

    /// <summary>Tag: the owning tenant (absent without tenants).</summary>
    public const string TenantTag = "dvs.tenant.id";

    /// <summary>Tag: how the call arrived (<c>acs</c>, <c>sip</c>, <c>browser</c>).</summary>
    public const string ChannelTag = "dvs.call.channel";

    /// <summary>Tag: the engine's name.</summary>
    public const string EngineTag = "dvs.engine";

    /// <summary>Tag of <see cref="MediaSpan"/>: why the loop ended (<see cref="Calls.CallEndReason"/>).</summary>
    public const string EndReasonTag = "dvs.call.end_reason";

    /// <summary>Tag of <see cref="MediaSpan"/>: the turns the call had.</summary>
    public const string TurnsTag = "dvs.call.turns";

    /// <summary>Tag of <see cref="MediaSpan"/>: the call's cost in US dollars, when the engine reported usage.</summary>
    public const string CostTag = "dvs.call.cost_usd";

    /// <summary>Tag of <see cref="TurnSpan"/>: the turn's number in the call, from 1.</summary>
    public const string TurnNumberTag = "dvs.turn.number";

    /// <summary>Tag of <see cref="TurnSpan"/>: milliseconds from the caller's stop to the agent's first audio sent.</summary>
    public const string TurnLatencyTag = "dvs.turn.e2e_ms";

    /// <summary>Tag of <see cref="TurnSpan"/>: milliseconds from the caller's stop to the final transcript, when it came first.</summary>
    public const string TurnSttTag = "dvs.turn.stt_ms";

    /// <summary>Tag: the agent item concerned (the answer of a turn, the item cut off by a barge-in).</summary>
    public const string ItemIdTag = "dvs.item.id";

    /// <summary>Tag of <see cref="ToolSpan"/>: the tool's name.</summary>
    public const string ToolNameTag = "dvs.tool.name";

    /// <summary>Tag of <see cref="ToolSpan"/>: true when the tool threw or was unknown.</summary>
    public const string ToolFailedTag = "dvs.tool.failed";

    /// <summary>Tag of <see cref="BargeInSpan"/>: milliseconds of the cut-off item the caller heard.</summary>
    public const string HeardTag = "dvs.bargein.heard_ms";

    /// <summary>Tag of <see cref="BargeInSpan"/>: milliseconds from the barge-in signal to the stop of playback sent.</summary>
    public const string ReactionTag = "dvs.bargein.reaction_ms";

    /// <summary>The source every span of the worker's calls comes from.</summary>
    public static ActivitySource Source { get; } = new(Name);
}
