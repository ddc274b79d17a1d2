namespace DvServerless.Functions.Logging;

/// <summary>
/// Masks personal data before it reaches a log: phone numbers keep only their last four digits
/// (<c>4:+14255550123</c> → <c>4:+*******0123</c>), other identifiers keep their kind prefix and last four characters.
/// </summary>
public static class PiiMasker
{
    private const int Kept = 4;

    /// <summary>Masks a raw id (<c>4:+1…</c>, <c>8:acs:…</c>) or a bare phone number; null and empty stay as they are.</summary>
    public static string? MaskIdentifier(string? rawId)
    {
        if (string.IsNullOrEmpty(rawId))
        {
            return rawId;
        }

        if (rawId.StartsWith("4:", StringComparison.Ordinal))
        {
            return "4:" + MaskPhoneNumber(rawId[2..]);
        }

        var isRawId = rawId.Length > 2 && char.IsAsciiDigit(rawId[0]) && rawId[1] == ':';
        if (!isRawId && (rawId[0] == '+' || char.IsAsciiDigit(rawId[0])))
        {
            return MaskPhoneNumber(rawId);
        }

        // Other raw ids ("8:acs:<resource>_<user>", Teams ids) are personal too: keep the kind, hide the rest.
        var kind = string.Empty;
        var first = rawId.IndexOf(':');
        if (first > 0)
        {
            var second = rawId.IndexOf(':', first + 1);
            kind = rawId[..((second > first && second - first <= 16 ? second : first) + 1)];
        }

        var tail = rawId.Length - kind.Length > Kept ? rawId[^Kept..] : string.Empty;
        return kind + "…" + tail;
    }

    /// <summary>Replaces every digit but the last four with <c>*</c>, keeping <c>+</c> and separators.</summary>
    public static string MaskPhoneNumber(string phoneNumber)
    {
        ArgumentNullException.ThrowIfNull(phoneNumber);
        var digits = phoneNumber.Count(char.IsAsciiDigit);
        var toHide = Math.Max(0, digits - Kept);
        return string.Create(phoneNumber.Length, (phoneNumber, toHide), static (span, state) =>
        {
            var (source, hide) = state;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (char.IsAsciiDigit(c) && hide > 0)
                {
                    span[i] = '*';
                    hide--;
                }
                else
                {
                    span[i] = char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')' ? c : '*';
                }
            }
        });
    }
}
