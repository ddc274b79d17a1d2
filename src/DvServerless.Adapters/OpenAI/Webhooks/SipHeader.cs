namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>One header of the SIP INVITE as OpenAI forwards it; untrusted caller metadata.</summary>
/// <param name="Name">The header name as sent (compare case-insensitively).</param>
/// <param name="Value">The header value as sent.</param>
public readonly record struct SipHeader(string Name, string Value);
