using System.Text.RegularExpressions;

namespace DvServerless.Core.Privacy;

/// <summary>
/// Masks phone numbers in free text and identifiers, keeping the last four digits so that an operator can still
/// tell calls apart: <c>+14255550123</c> → <c>+*******0123</c>, <c>4:+14255550123</c> → <c>4:+*******0123</c>,
/// <c>sip:+14255550123@host</c> → <c>sip:+*******0123@host</c>.
/// </summary>
/// <remarks>
/// Recognised forms: E.164 with a leading <c>+</c> (also URL-encoded <c>%2B</c> and JSON-escaped <c>\u002B</c>, and with
/// the usual visual separators <c>+1 (425) 555-0123</c>); the user part of <c>sip:</c>, <c>sips:</c> and <c>tel:</c> URIs
/// with or without <c>+</c>; ACS raw ids (<c>4:+…</c>); North-American formatted numbers (<c>(425) 555-0123</c>,
/// <c>425-555-0123</c>). Bare digit runs without any of these markers (durations, ports, ids, Unix times) are left
/// alone on purpose: they cannot be told apart from phone numbers without context, and masking them would make logs
/// useless. Masking is idempotent (masked output contains no digit run the patterns match).
/// </remarks>
public static partial class PiiMasker
{
    /// <summary>The character that replaces a masked digit.</summary>
    public const char MaskCharacter = '*';

    /// <summary>How many trailing digits stay visible.</summary>
    public const int VisibleDigits = 4;

    /// <summary>Returns <paramref name="text"/> with every phone number it contains masked; null stays null.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Mask(string? text)
    {
        // Fast path: most log values (ids, states, durations without markers) hold no candidate at all.
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAnyInRange('0', '9') < 0)
        {
            return text;
        }

        return PhoneNumberPattern().Replace(text, static match => MaskDigits(match.ValueSpan));
    }

    /// <summary>Masks every digit of <paramref name="value"/> except the last <see cref="VisibleDigits"/>, keeping other characters.</summary>
    public static string MaskDigits(ReadOnlySpan<char> value)
    {
        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        var toMask = digits - VisibleDigits;
        if (toMask <= 0)
        {
            return value.ToString();
        }

        return string.Create(value.Length, (Value: value.ToString(), ToMask: toMask), static (span, state) =>
        {
            var remaining = state.ToMask;
            for (var i = 0; i < span.Length; i++)
            {
                var c = state.Value[i];
                if (remaining > 0 && char.IsAsciiDigit(c))
                {
                    span[i] = MaskCharacter;
                    remaining--;
                }
                else
                {
                    span[i] = c;
                }
            }
        });
    }

    // Alternatives (each match is the number only, so prefixes such as "%2B", "sip:" or "4:" stay as they are):
    //  1. the user part of sip:/sips:/tel: URIs, with or without '+', visual separators allowed (RFC 3966 / RFC 3261);
    //  2. '+' (or %2B, \u002B) followed by 7–15 digits, E.164, optionally with separators "+1 (425) 555-0123";
    //  3. North-American formatted numbers "(425) 555-0123", "425-555-0123", "425.555.0123".
    // Look-arounds keep digits glued to letters or other digits (hex ids, longer digit runs) out.
    [GeneratedRegex(
        """
        (?<=\b(?:sips?|tel):)\+?\d(?:[-.()]?\d){3,19}
        |(?<=(?:\+|%2[Bb]|\\u002[Bb]))(?<![\w]\+)[1-9](?:[ \-.()]{0,2}\d){6,14}(?!\d)
        |(?<![\w+])(?:\(\d{3}\)\ ?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w])
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PhoneNumberPattern();
}
