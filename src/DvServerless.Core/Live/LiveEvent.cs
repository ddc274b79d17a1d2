using System.Text.Json.Serialization;

namespace DvServerless.Core.Live;

/// <summary>
/// One thing that happened on a call, as the live hub sends it to dashboards: the SignalR target is <see cref="Type"/>
/// (one of <see cref="LiveEventTypes"/>), the single argument is this record serialized as camelCase JSON. Fields that
/// do not apply to the type are null and left out. Parties are masked before an event is made; an event never carries a
/// secret, a token or a raw phone number.
/// </summary>
public sealed record LiveEvent
{
    /// <summary>What happened: a <see cref="LiveEventTypes"/> name, also the SignalR target.</summary>
    public required string Type { get; init; }

    /// <summary>The gateway's call id.</summary>
    public required string CallId { get; init; }

    /// <summary>The owning tenant; null when tenants are not configured (only the admin sees such calls).</summary>
    public string? TenantId { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary><c>acs</c>, <c>sip</c> or <c>browser</c> (see <see cref="Calls.CallChannel"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Channel { get; init; }

    /// <summary>call:new: the caller, masked.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; init; }

    /// <summary>call:new: the called party, masked.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? To { get; init; }

    /// <summary>The engine's name (call:new from the worker, call:latency).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Engine { get; init; }

    /// <summary>call:state: the new state (a <see cref="Calls.CallState"/> name); call:ended: the end reason.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; init; }

    /// <summary>call:transcript: <c>caller</c> or <c>agent</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Speaker { get; init; }

    /// <summary>call:transcript: the text (a partial: the text so far; an interrupted agent turn: what the caller heard).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    /// <summary>call:transcript: true for the final text of a turn, false for a partial.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Final { get; init; }

    /// <summary>call:transcript, call:bargein: the engine's item id (partials and the final of one turn share it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ItemId { get; init; }

    /// <summary>call:transcript (agent), call:bargein: true when the caller cut the agent off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Interrupted { get; init; }

    /// <summary>call:bargein: milliseconds from the barge-in signal reaching the worker to playback stopped at the caller.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReactionMs { get; init; }

    /// <summary>call:bargein: milliseconds of the interrupted item the caller heard.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HeardMs { get; init; }

    /// <summary>call:latency: the turn number, from 1 (0: the first audio of the call, see <see cref="FirstAudioMs"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Turn { get; init; }

    /// <summary>
    /// call:latency with <see cref="Turn"/> 0: milliseconds from media connected to the first agent audio sent (the
    /// greeting, or the engine's first words).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FirstAudioMs { get; init; }

    /// <summary>call:latency: the turn's stages in milliseconds (see <see cref="TurnLatency"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TurnLatency? Latency { get; init; }

    /// <summary>call:cost, call:ended: the call's cost so far in US dollars.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? CostUsd { get; init; }

    /// <summary>call:ended: the call's length in milliseconds, media start to end.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DurationMs { get; init; }

    /// <summary>call:tool: the tool's name.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tool { get; init; }

    /// <summary>call:error: a short code (the engine's, or the gateway's).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    /// <summary>call:error: what went wrong, for an operator (never upstream secrets).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
}
