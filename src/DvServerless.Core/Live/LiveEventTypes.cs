namespace DvServerless.Core.Live;

/// <summary>The names of <see cref="LiveEvent.Type"/>, which are also the SignalR targets dashboards listen on.</summary>
public static class LiveEventTypes
{
    /// <summary>A call arrived: its session was created (incoming call, SIP webhook, browser session start). One per call.</summary>
    public const string CallNew = "call:new";

    /// <summary>The call's session changed state (answered, connected, rejected, …), in whichever app moved it.</summary>
    public const string CallState = "call:state";

    /// <summary>
    /// The worker's media leg of the call: <see cref="LiveEvent.State"/> <c>connected</c> (with the engine) when its call
    /// loop starts, <c>closed</c> (with its end reason in <see cref="LiveEvent.Code"/>, duration and cost) when it ends.
    /// </summary>
    public const string CallMedia = "call:media";

    /// <summary>A transcript segment of the caller or the agent, partial or final.</summary>
    public const string Transcript = "call:transcript";

    /// <summary>The caller cut the agent off.</summary>
    public const string BargeIn = "call:bargein";

    /// <summary>The stages of one turn's latency.</summary>
    public const string Latency = "call:latency";

    /// <summary>The call's running cost.</summary>
    public const string Cost = "call:cost";

    /// <summary>The agent called a tool.</summary>
    public const string ToolCall = "call:tool";

    /// <summary>Something went wrong on the call (engine error, failed tool).</summary>
    public const string Error = "call:error";

    /// <summary>The call ended: its session reached a final state; <see cref="LiveEvent.State"/> is the reason. One per call.</summary>
    public const string CallEnded = "call:ended";

    /// <summary>Every type, for clients that subscribe to all.</summary>
    public static readonly IReadOnlyList<string> All = [CallNew, CallState, CallMedia, Transcript, BargeIn, Latency, Cost, ToolCall, Error, CallEnded];
}
