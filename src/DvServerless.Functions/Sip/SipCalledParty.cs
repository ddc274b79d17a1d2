using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Sip;

/// <summary>
/// The called party of an incoming SIP call, read from its <c>To</c> header: the URI, and the E.164 number in it that
/// tenant and agent routing go by.
/// </summary>
/// <remarks>The <c>To</c> header is the caller's word: what is read here picks a tenant or agent only where the operator opted in.</remarks>
internal static class SipCalledParty
{
    /// <summary>
    /// The URI of a SIP <c>To</c> header: <c>"Sales" &lt;sip:+18005550100@example.com&gt;;tag=1</c> →
    /// <c>sip:+18005550100@example.com</c>; a bare URI is kept (without header parameters).
    /// </summary>
    public static string? Of(string? toHeader)
    {
        if (string.IsNullOrWhiteSpace(toHeader))
        {
            return null;
        }

        var open = toHeader.IndexOf('<', StringComparison.Ordinal);
        var close = open < 0 ? -1 : toHeader.IndexOf('>', open + 1);
        if (open >= 0 && close > open)
        {
            return toHeader[(open + 1)..close].Trim();
        }

        var parameters = toHeader.IndexOf(';', StringComparison.Ordinal);
        return (parameters < 0 ? toHeader : toHeader[..parameters]).Trim();
    }

    /// <summary>
    /// The E.164 number of a called party as <see cref="Of"/> returns it (<c>sip:+18005550100@host</c>,
    /// <c>tel:+18005550100</c> or a bare number), normalised as tenant and ACS agent routing normalise it; null when it
    /// names no number (<c>sip:sales@host</c>).
    /// </summary>
    public static string? NumberOf(string? calledParty) =>
        CalledPartyAddress.NormalizePhoneNumber(calledParty) ?? CalledPartyAddress.PhoneNumberOfSipUri(calledParty);
}
