using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Acs;

/// <summary>Source-generated log messages of the ACS client (event ids 2100–2119). No keys, no full phone numbers.</summary>
internal static partial class AcsClientLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "ACS call answered: connection {CallConnectionId}, state {State}")]
    public static partial void CallAnswered(ILogger logger, string callConnectionId, string? state);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "ACS call rejected with reason {Reason}")]
    public static partial void CallRejected(ILogger logger, CallRejectReason reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "ACS {Operation} on connection {CallConnectionId} accepted")]
    public static partial void OperationAccepted(ILogger logger, string operation, string callConnectionId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "ACS transfer of connection {CallConnectionId} to {MaskedTarget} accepted")]
    public static partial void TransferAccepted(ILogger logger, string callConnectionId, string maskedTarget);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "ACS {Operation} failed with {Status} {ErrorCode}")]
    public static partial void OperationFailed(ILogger logger, string operation, int status, string? errorCode);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "ACS client uses {AuthMode} authentication against {Host}")]
    public static partial void ClientCreated(ILogger logger, string authMode, string host);
}
