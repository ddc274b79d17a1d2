namespace DvServerless.Core.Live;

/// <summary>
/// What a dashboard needs when it connects, before live events take over (the hub method <c>GetSnapshot</c>): the
/// active and recent calls it may see and the latency percentiles of the last hour.
/// </summary>
/// <param name="Calls">Active calls first, then the most recent ended ones, newest first.</param>
/// <param name="Latency">p50/p95 over the last hour.</param>
/// <param name="At">When the snapshot was taken.</param>
public sealed record LiveSnapshot(IReadOnlyList<LiveCallSummary> Calls, LiveLatencySummary Latency, DateTimeOffset At);

/// <summary>One call as the dashboard lists it.</summary>
/// <param name="CallId">The gateway's call id.</param>
/// <param name="TenantId">The owning tenant, null without tenants.</param>
/// <param name="Channel"><c>acs</c>, <c>sip</c> or <c>browser</c>.</param>
/// <param name="From">The caller, masked.</param>
/// <param name="State">The last state (<c>Ringing</c>, <c>Connected</c>, …, <c>Ended</c>).</param>
/// <param name="Engine">The engine's name, once media connected.</param>
/// <param name="StartedAt">When the call arrived.</param>
/// <param name="EndedAt">When it ended; null while active.</param>
/// <param name="CostUsd">The cost so far.</param>
/// <param name="Transcript">The call's final transcript segments so far, oldest first (the last 200).</param>
public sealed record LiveCallSummary(
    string CallId,
    string? TenantId,
    string? Channel,
    string? From,
    string State,
    string? Engine,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    decimal CostUsd,
    IReadOnlyList<LiveEvent> Transcript);

/// <summary>Latency percentiles over a window, in milliseconds; null where there was no sample.</summary>
/// <param name="FirstAudio">Media connected → first agent audio sent.</param>
/// <param name="EndToEnd">Caller stopped speaking → first agent audio sent.</param>
/// <param name="BargeInReaction">Barge-in signal → playback stopped.</param>
public sealed record LiveLatencySummary(Percentiles FirstAudio, Percentiles EndToEnd, Percentiles BargeInReaction);

/// <summary>p50 and p95 of <paramref name="Count"/> samples, in milliseconds.</summary>
public sealed record Percentiles(double? P50, double? P95, int Count);
