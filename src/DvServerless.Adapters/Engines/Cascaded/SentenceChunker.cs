using System.Text;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// Cuts a language model's token stream into pieces a text-to-speech service can speak on their own: whole sentences,
/// except that the first piece may end at a clause once it is long enough, so the caller hears the agent sooner. A very
/// long sentence is cut at a clause or a space. Abbreviations (<c>Dr.</c>, <c>e.g.</c>), initials (<c>J. Smith</c>) and
/// numbers (<c>3.5</c>, <c>1,000</c>) do not end a piece. One instance per response; not thread-safe.
/// </summary>
internal sealed class SentenceChunker
{
    // Words that end with a period without ending a sentence (the final period is not part of the entry). Words that
    // also end sentences ("no", "max", "mar") are left out: a late cut costs less than two sentences run together.
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "approx", "dept", "inc",
        "ltd", "corp", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "u.s",
        "fig", "ave", "blvd",
    };

    private readonly StringBuilder _pending = new();
    private readonly int _firstChunkMinChars;
    private readonly int _maxChunkChars;
    private int _scanFrom;
    private bool _firstTaken;

    /// <summary>Creates a chunker.</summary>
    /// <param name="firstChunkMinChars">How long the first piece must be before it may end at a clause (comma, colon, dash).</param>
    /// <param name="maxChunkChars">Longest piece: a sentence running past it is cut at its last clause or space.</param>
    public SentenceChunker(int firstChunkMinChars = 40, int maxChunkChars = 240)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstChunkMinChars, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkChars, firstChunkMinChars);
        _firstChunkMinChars = firstChunkMinChars;
        _maxChunkChars = maxChunkChars;
    }

    /// <summary>Adds streamed text and appends every piece that is now complete to <paramref name="completed"/>.</summary>
    public void Append(string text, List<string> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        _pending.Append(text);
        while (TryCut(out var piece))
        {
            completed.Add(piece);
        }
    }

    /// <summary>The stream ended: the rest, if it holds anything to say.</summary>
    public string? Flush()
    {
        var rest = _pending.ToString().Trim();
        _pending.Clear();
        _scanFrom = 0;
        _firstTaken = true;
        return rest.Length == 0 ? null : rest;
    }

    private bool TryCut(out string piece)
    {
        piece = string.Empty;
        var cut = FindSentenceEnd();
        if (cut < 0 && !_firstTaken && _pending.Length >= _firstChunkMinChars)
        {
            // A clause that ends past the minimum: "Well," alone is too short to sound like a start.
            cut = LastBreak(_pending.Length, _firstChunkMinChars, clausesOnly: true);
        }

        if (cut < 0 && _pending.Length > _maxChunkChars)
        {
            cut = LastBreak(_maxChunkChars, 1, clausesOnly: false);
            if (cut < 0)
            {
                cut = _maxChunkChars; // One endless word: cut it anyway rather than hold the voice back.
            }
        }

        if (cut < 0)
        {
            return false;
        }

        piece = _pending.ToString(0, cut).Trim();
        _pending.Remove(0, cut);
        _scanFrom = 0;
        if (piece.Length == 0)
        {
            return TryCut(out piece);
        }

        _firstTaken = true;
        return true;
    }

    /// <summary>The index just past the first sentence end that a space (or line break) confirms; −1 for none yet.</summary>
    private int FindSentenceEnd()
    {
        // The last character is never decided: "3." may become "3.5", and "Dr" may become "Dr.".
        for (var i = _scanFrom; i < _pending.Length - 1; i++)
        {
            var c = _pending[i];
            if (c == '\n' && i > 0 && _pending[i - 1] == '\n')
            {
                return i + 1; // A blank line ends a paragraph, punctuated or not.
            }

            if (!IsSentencePunctuation(c) || !char.IsWhiteSpace(_pending[i + 1]))
            {
                continue;
            }

            if (c == '.' && IsAbbreviationBefore(i))
            {
                continue;
            }

            return i + 1;
        }

        _scanFrom = Math.Max(0, _pending.Length - 1);
        return -1;
    }

    private static bool IsSentencePunctuation(char c) => c is '.' or '!' or '?' or '…' or '。' or '！' or '？';

    private static bool IsClausePunctuation(char c) => c is ',' or ';' or ':' or '—' or '–' or ')' or '、' or '，';

    /// <summary>
    /// Index just past the last clause mark (or, unless <paramref name="clausesOnly"/>, the last word) that a space
    /// follows, from <paramref name="minimum"/> up to <paramref name="limit"/>; −1 for none.
    /// </summary>
    private int LastBreak(int limit, int minimum, bool clausesOnly)
    {
        var space = -1;
        for (var i = Math.Min(limit, _pending.Length - 1) - 1; i >= minimum - 1 && i > 0; i--)
        {
            if (!char.IsWhiteSpace(_pending[i + 1]))
            {
                continue;
            }

            if (IsClausePunctuation(_pending[i]))
            {
                return i + 1;
            }

            if (space < 0 && !clausesOnly && !char.IsWhiteSpace(_pending[i]))
            {
                space = i + 1;
            }
        }

        return space;
    }

    /// <summary>Whether the period at <paramref name="dot"/> ends an abbreviation or an initial rather than a sentence.</summary>
    private bool IsAbbreviationBefore(int dot)
    {
        var start = dot;
        while (start > 0 && (char.IsLetter(_pending[start - 1]) || _pending[start - 1] == '.'))
        {
            start--;
        }

        if (start == dot)
        {
            return false; // "3. " or ") ." — a number or a mark before the period: a sentence end.
        }

        var word = _pending.ToString(start, dot - start);
        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return true; // An initial: "J. Smith".
        }

        return Abbreviations.Contains(word);
    }
}
