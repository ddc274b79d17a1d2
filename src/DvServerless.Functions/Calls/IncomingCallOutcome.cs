namespace DvServerless.Functions.Calls;

/// <summary>The outcome of handling one IncomingCall event.</summary>
/// <param name="CallId">The gateway's call id derived from the event.</param>
/// <param name="Result">What was done.</param>
/// <param name="CallConnectionId">The ACS call connection id when the call was answered.</param>
public sealed record IncomingCallOutcome(string CallId, IncomingCallResult Result, string? CallConnectionId = null);
