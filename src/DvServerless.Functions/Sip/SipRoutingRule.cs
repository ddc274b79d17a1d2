namespace DvServerless.Functions.Sip;

/// <summary>
/// One reject rule on the INVITE's SIP headers, e.g. <c>{"Header":"From","Contains":"+1900","Status":603}</c>: a call
/// whose header (any of its repeats) contains the text, compared case-insensitively, is declined with
/// <see cref="Status"/>. The headers are caller-controlled, so rules can only refuse calls, never grant anything.
/// </summary>
public sealed class SipRoutingRule
{
    /// <summary>The SIP header name (any case), e.g. <c>From</c>, <c>To</c> or <c>X-Customer-Id</c>.</summary>
    public string Header { get; set; } = string.Empty;

    /// <summary>The text the header value must contain for the rule to match (case-insensitive).</summary>
    public string Contains { get; set; } = string.Empty;

    /// <summary>The SIP final status to decline with: 603 Decline by default; 486 Busy Here, 403 Forbidden, …</summary>
    public int Status { get; set; } = SipRoutingOptions.DeclineStatus;

    /// <summary>Whether the rule is usable: a header, a non-empty text and a final status in 400–699.</summary>
    public bool IsValid => !string.IsNullOrWhiteSpace(Header) && !string.IsNullOrEmpty(Contains) && Status is >= 400 and <= 699;
}
