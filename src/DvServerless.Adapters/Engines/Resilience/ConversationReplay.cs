using System.Text;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The conversation so far, as lines a new engine session reads in its instructions after a reconnect: the latest
/// turns, up to a character budget, so a long call does not grow the prompt without bound.
/// </summary>
internal sealed class ConversationReplay(int maxCharacters)
{
    private readonly LinkedList<string> _lines = new();
    private int _characters;

    /// <summary>Adds one turn.</summary>
    public void Add(string speaker, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var line = $"{speaker}: {text.Trim()}";
        _lines.AddLast(line);
        _characters += line.Length + 1;
        while (_characters > maxCharacters && _lines.First is { } oldest)
        {
            _characters -= oldest.Value.Length + 1;
            _lines.RemoveFirst();
        }
    }

    /// <summary>
    /// Adds a turn the dropped connection cut off after <paramref name="heard"/>, so the new session knows the caller
    /// heard only that much and can finish the thought instead of starting over or greeting again.
    /// </summary>
    public void AddCutOff(string speaker, string heard) =>
        Add(speaker + " (cut off here by the reconnection; the caller heard only this much)", heard.TrimEnd() + " …");

    /// <summary><paramref name="instructions"/> with the conversation so far appended (unchanged when there is none).</summary>
    public string AppendTo(string instructions)
    {
        if (_lines.Count == 0)
        {
            return instructions;
        }

        var text = new StringBuilder(instructions);
        text.Append("\n\nThis call continues a conversation that a technical reconnection interrupted. Do not greet the caller again; ")
            .Append("carry on from where it stopped. The conversation so far:\n");
        foreach (var line in _lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
