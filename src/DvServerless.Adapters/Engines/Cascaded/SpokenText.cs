using System.Text;
using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// What one agent item said, piece by piece, with how much audio each piece took: the map from "the caller heard
/// <c>n</c> ms" back to the words they heard. Pieces are appended in the order they are spoken. Not thread-safe: the
/// engine uses it under its lock.
/// </summary>
internal sealed class SpokenText
{
    private readonly List<(string Text, long AudioBytes)> _pieces = [];
    private readonly AudioFormat _format;

    public SpokenText(AudioFormat format) => _format = format;

    /// <summary>The whole text spoken so far, pieces joined by a space.</summary>
    public string Text => Join(_pieces.Count);

    /// <summary>Set once the item was cut at what the caller heard: its history text is final.</summary>
    public bool Truncated { get; set; }

    /// <summary>The text of the pieces that produced audio (a cancelled item may have begun a piece it never voiced).</summary>
    public string VoicedText => Join(_pieces.Count > 0 && _pieces[^1].AudioBytes == 0 ? _pieces.Count - 1 : _pieces.Count);

    /// <summary>Whether nothing has been spoken.</summary>
    public bool IsEmpty => _pieces.Count == 0;

    /// <summary>Starts a new piece (its audio follows through <see cref="AddAudio"/>).</summary>
    public void Begin(string text) => _pieces.Add((text, 0));

    /// <summary>Counts <paramref name="bytes"/> more audio for the piece being spoken.</summary>
    public void AddAudio(int bytes)
    {
        if (_pieces.Count > 0)
        {
            var last = _pieces[^1];
            _pieces[^1] = (last.Text, last.AudioBytes + bytes);
        }
    }

    /// <summary>
    /// The text the caller heard in the first <paramref name="audioEndMs"/> ms: every piece whose audio fully played, and
    /// of the piece playing then the share of its words that matches the share of its audio played, cut at a word.
    /// </summary>
    public string HeardText(int audioEndMs)
    {
        var heardBytes = (long)Math.Max(0, audioEndMs) * _format.BytesPerMillisecond;
        var whole = 0;
        while (whole < _pieces.Count && _pieces[whole].AudioBytes <= heardBytes)
        {
            heardBytes -= _pieces[whole].AudioBytes;
            whole++;
        }

        var heard = new StringBuilder(Join(whole));
        if (whole < _pieces.Count && heardBytes > 0)
        {
            var (text, bytes) = _pieces[whole];
            var part = CutAtWord(text, (double)heardBytes / bytes);
            if (part.Length > 0)
            {
                if (heard.Length > 0)
                {
                    heard.Append(' ');
                }

                heard.Append(part);
            }
        }

        return heard.ToString();
    }

    /// <summary>The leading words of <paramref name="text"/> that cover about <paramref name="fraction"/> of its characters.</summary>
    internal static string CutAtWord(string text, double fraction)
    {
        var target = (int)Math.Round(text.Length * Math.Clamp(fraction, 0, 1));
        if (target >= text.Length)
        {
            return text;
        }

        // A word the caller heard more than half of counts as heard; one they heard less of does not.
        var wordStart = text.LastIndexOf(' ', Math.Max(0, target - 1)) + 1;
        var wordEnd = text.IndexOf(' ', target);
        wordEnd = wordEnd < 0 ? text.Length : wordEnd;
        var end = target - wordStart >= wordEnd - target ? wordEnd : wordStart;
        return text[..end].TrimEnd();
    }

    private string Join(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(_pieces[i].Text);
        }

        return text.ToString();
    }
}
