namespace DvServerless.Adapters.Acs.Events;

/// <summary>One Call Automation callback event (CloudEvent <c>data</c> plus its type).</summary>
public sealed record CallAutomationEvent
{
    /// <summary>The type without the <c>Microsoft.Communication.</c> prefix, e.g. <c>CallConnected</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The CloudEvent id.</summary>
    public string? EventId { get; init; }

    /// <summary><c>data.callConnectionId</c>.</summary>
    public string? CallConnectionId { get; init; }

    /// <summary><c>data.serverCallId</c>.</summary>
    public string? ServerCallId { get; init; }

    /// <summary><c>data.correlationId</c>.</summary>
    public string? CorrelationId { get; init; }

    /// <summary><c>data.operationContext</c>.</summary>
    public string? OperationContext { get; init; }

    /// <summary><c>data.resultInformation.code</c>.</summary>
    public int? ResultCode { get; init; }

    /// <summary><c>data.resultInformation.subCode</c>.</summary>
    public int? ResultSubCode { get; init; }

    /// <summary><c>data.resultInformation.message</c>.</summary>
    public string? ResultMessage { get; init; }

    /// <summary>The raw <c>data</c> JSON, for event-specific fields.</summary>
    public System.Text.Json.JsonElement Data { get; init; }
}
