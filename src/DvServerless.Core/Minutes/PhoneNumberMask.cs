namespace DvServerless.Core.Minutes;

/// <summary>
/// Masks phone numbers for minutes headers and logs: every digit but the last four becomes <c>*</c>, other characters
/// (<c>+</c>, spaces, a <c>tel:</c> or <c>4:</c> prefix) stay, so the result still reads as a number.
/// </summary>
public static class PhoneNumberMask
{
    /// <summary>How many trailing digits stay visible.</summary>
    public const int VisibleDigits = 4;

    /// <summary>Masks <paramref name="value"/>; values with four digits or fewer (already masked, or not a number) are returned unchanged.</summary>
    public static string Apply(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var digits = value.Count(char.IsAsciiDigit);
        if (digits <= VisibleDigits)
        {
            return value;
        }

        var toMask = digits - VisibleDigits;
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length && toMask > 0; i++)
        {
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = '*';
                toMask--;
            }
        }

        return new string(chars);
    }
}
