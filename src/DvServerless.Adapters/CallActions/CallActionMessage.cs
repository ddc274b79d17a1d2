using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Tenants;

namespace DvServerless.Adapters.CallActions;

/// <summary>
/// One request from the media worker to the Functions app to act on an ACS call, as it travels on queue
/// <see cref="CallActionQueueDefaults.Name"/>: the worker holds no ACS access, the Functions app does. Read with
/// <see cref="TryParse"/>; anything it refuses is poison (logged, deleted, nothing changes).
/// </summary>
/// <param name="CallId">The call, as the worker and the session store know it.</param>
/// <param name="Action">What to do.</param>
/// <param name="Reason">Why, for the log (e.g. <c>end_call</c>, <c>drain</c>); at most <see cref="MaxReasonLength"/> characters.</param>
/// <param name="TenantId">The tenant the worker's copy of the session names, checked against the session the Functions app reads.</param>
public sealed record CallActionMessage(string CallId, CallActionKind Action, string? Reason = null, string? TenantId = null)
{
    /// <summary>The wire format version this code writes and the only one it reads.</summary>
    public const int Version = 1;

    /// <summary>The longest reason accepted.</summary>
    public const int MaxReasonLength = 200;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Strict: a field this version does not know means a sender this version does not understand.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The message text put on the queue.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Wire(Version, CallId, WireName(Action), Reason, TenantId), JsonOptions);

    /// <summary>
    /// Reads a message's text; false (poison) unless it is version <see cref="Version"/> with a well-formed call id, a
    /// known action, a reason of at most <see cref="MaxReasonLength"/> characters and, when present, a well-formed tenant id.
    /// </summary>
    public static bool TryParse(string? text, out CallActionMessage? message)
    {
        message = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(text, JsonOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            // ArgumentException: a lone UTF-16 surrogate has no UTF-8 form (as with CallCommandMessage).
            return false;
        }

        if (wire is not { V: Version } || !CallIdFormat.IsValid(wire.CallId) || ParseAction(wire.Action) is not { } action
            || wire.Reason is { Length: > MaxReasonLength } || (wire.TenantId is not null && !TenantIds.IsValid(wire.TenantId)))
        {
            return false;
        }

        message = new CallActionMessage(wire.CallId!, action, wire.Reason, wire.TenantId);
        return true;
    }

    private static string WireName(CallActionKind action) => action switch
    {
        CallActionKind.HangUp => "hangUp",
        CallActionKind.Transfer => "transfer",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a call action."),
    };

    private static CallActionKind? ParseAction(string? name) => name switch
    {
        "hangUp" => CallActionKind.HangUp,
        "transfer" => CallActionKind.Transfer,
        _ => null,
    };

    // The wire twin: the public model stays an enum and a record, the JSON keeps its own names and version.
    private sealed record Wire(
        [property: JsonPropertyName("v")] int V,
        [property: JsonPropertyName("callId")] string? CallId,
        [property: JsonPropertyName("action")] string? Action,
        [property: JsonPropertyName("reason")] string? Reason,
        [property: JsonPropertyName("tenantId")] string? TenantId);
}
