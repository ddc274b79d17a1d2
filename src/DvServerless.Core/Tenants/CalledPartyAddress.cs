using System.Buffers;

namespace DvServerless.Core.Tenants;

/// <summary>
/// Normalises the called party of an incoming call (ACS raw id <c>4:+14255550123</c>, E.164, <c>tel:</c> or
/// <c>sip:</c> URI) so it can be matched against the numbers and URIs tenants configured.
/// </summary>
public static class CalledPartyAddress
{
    private static readonly SearchValues<char> AsciiDigits = SearchValues.Create("0123456789");

    /// <summary>
    /// Returns <c>+</c> and the digits of an E.164 number given as <c>+14255550123</c>, <c>4:+14255550123</c>,
    /// <c>tel:+1-425-555-0123</c> or with visual separators; null when it is not one.
    /// </summary>
    public static string? NormalizePhoneNumber(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var span = value.AsSpan().Trim();
        if (span.StartsWith("4:", StringComparison.Ordinal))
        {
            span = span[2..];
        }
        else if (span.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
        {
            span = span[4..];
            var parameters = span.IndexOf(';');
            if (parameters >= 0)
            {
                span = span[..parameters];
            }
        }

        if (span.IsEmpty || span[0] != '+')
        {
            return null;
        }

        Span<char> digits = stackalloc char[16];
        digits[0] = '+';
        var count = 0;
        foreach (var c in span[1..])
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 15)
                {
                    return null;
                }

                digits[++count] = c;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return null;
            }
        }

        return count is >= 7 and <= 15 && digits[1] != '0' ? new string(digits[..(count + 1)]) : null;
    }

    /// <summary>
    /// Returns <c>sip:user@host</c> in lowercase without port or parameters (<c>sips:</c> counts as <c>sip:</c>);
    /// null when <paramref name="value"/> is not a SIP URI with a user part.
    /// </summary>
    public static string? NormalizeSipUri(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var span = value.AsSpan().Trim();
        if (span.StartsWith("<", StringComparison.Ordinal) && span.EndsWith(">", StringComparison.Ordinal))
        {
            span = span[1..^1];
        }

        if (span.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            span = span[5..];
        }
        else if (span.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            span = span[4..];
        }
        else
        {
            return null;
        }

        var end = span.IndexOfAny(';', '?', '>');
        if (end >= 0)
        {
            span = span[..end];
        }

        var at = span.IndexOf('@');
        if (at <= 0 || at == span.Length - 1)
        {
            return null;
        }

        var user = span[..at];
        var host = span[(at + 1)..];
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host[(colon + 1)..].IndexOfAnyExcept(AsciiDigits) < 0 && host.IndexOf(']') < colon)
        {
            host = host[..colon];
        }

        if (host.IsEmpty || host.ContainsAny(' ', '@'))
        {
            return null;
        }

        return ("sip:" + user.ToString() + "@" + host.ToString()).ToLowerInvariant();
    }

    /// <summary>
    /// The user part of a SIP URI when it is an E.164 number (<c>sip:+14255550123@host</c> → <c>+14255550123</c>).
    /// </summary>
    public static string? PhoneNumberOfSipUri(string? value)
    {
        var uri = NormalizeSipUri(value);
        if (uri is null)
        {
            return null;
        }

        var user = uri.AsSpan(4, uri.IndexOf('@') - 4);
        return NormalizePhoneNumber(user.ToString());
    }
}
