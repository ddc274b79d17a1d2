namespace DvServerless.Core.Calls;

/// <summary>
/// A telephone keypad key (DTMF): <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>. Senders spell them
/// differently (ACS media streaming sends the key itself, Call Automation's tone enum names them <c>pound</c>,
/// <c>asterisk</c>, <c>five</c>; OpenAI SIP sends the key), so every spelling is taken.
/// </summary>
public static class DtmfKey
{
    private static readonly Dictionary<string, char> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = '0', ["one"] = '1', ["two"] = '2', ["three"] = '3', ["four"] = '4', ["five"] = '5', ["six"] = '6',
        ["seven"] = '7', ["eight"] = '8', ["nine"] = '9', ["asterisk"] = '*', ["star"] = '*', ["pound"] = '#', ["hash"] = '#',
        ["a"] = 'A', ["b"] = 'B', ["c"] = 'C', ["d"] = 'D',
    };

    /// <summary>Reads <paramref name="tone"/> as a key; false (and <c>\0</c>) for anything else.</summary>
    public static bool TryParse(string? tone, out char key)
    {
        key = '\0';
        if (string.IsNullOrWhiteSpace(tone))
        {
            return false;
        }

        var text = tone.Trim();
        if (text.Length == 1 && IsKey(char.ToUpperInvariant(text[0])))
        {
            key = char.ToUpperInvariant(text[0]);
            return true;
        }

        return Names.TryGetValue(text, out key);
    }

    /// <summary>Whether <paramref name="key"/> is a keypad key in its canonical form.</summary>
    public static bool IsKey(char key) => key is >= '0' and <= '9' or '*' or '#' or >= 'A' and <= 'D';
}
