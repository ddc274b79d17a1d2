namespace DvServerless.Adapters.Acs;

/// <summary>The ACS Call Automation operations the gateway uses (api-version 2026-03-12).</summary>
public interface ICallAutomationClient
{
    /// <summary><c>POST /calling/callConnections:answer</c>. Returns at once with state <c>connecting</c>; <c>CallConnected</c> follows as a callback.</summary>
    Task<CallConnectionProperties> AnswerCallAsync(AnswerCallRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections:reject</c>.</summary>
    Task RejectCallAsync(string incomingCallContext, CallRejectReason reason = CallRejectReason.None, CancellationToken cancellationToken = default);

    /// <summary><c>GET /calling/callConnections/{id}</c>.</summary>
    Task<CallConnectionProperties> GetCallAsync(string callConnectionId, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /calling/callConnections/{id}</c>: the gateway leaves the call.</summary>
    Task HangUpAsync(string callConnectionId, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections/{id}:terminate</c>: ends the call for everyone.</summary>
    Task TerminateCallAsync(string callConnectionId, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections/{id}:play</c> to everyone.</summary>
    Task PlayAsync(string callConnectionId, PlayRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections/{id}:startMediaStreaming</c>.</summary>
    Task StartMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections/{id}:stopMediaStreaming</c>.</summary>
    Task StopMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default);

    /// <summary><c>POST /calling/callConnections/{id}:transferToParticipant</c>; <paramref name="targetRawId"/> is a raw id (<c>4:+1…</c>, <c>8:acs:…</c>) or an E.164 number.</summary>
    Task TransferToParticipantAsync(string callConnectionId, string targetRawId, string? operationContext = null, CancellationToken cancellationToken = default);
}
