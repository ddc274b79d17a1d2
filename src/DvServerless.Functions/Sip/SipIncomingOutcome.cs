namespace DvServerless.Functions.Sip;

/// <summary>The outcome of one <c>realtime.call.incoming</c> delivery.</summary>
/// <param name="CallId">The gateway's call id (the session document's name).</param>
/// <param name="SipCallId">OpenAI's <c>rtc_…</c> call id.</param>
/// <param name="Result">What was done.</param>
/// <param name="Detail">Why, in words (the reject reason or the failure), without caller data.</param>
/// <param name="RejectStatus">The SIP status of a reject.</param>
public sealed record SipIncomingOutcome(string CallId, string SipCallId, SipIncomingResult Result, string? Detail = null, int? RejectStatus = null);
