using System.Text;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The conversation so far, as lines a new engine session reads in its instructions after a reconnect: the latest
/// turns, up to a character budget, so a long call does not grow the prompt without bound.
/// </summary>
internal sealed class ConversationReplay(int maxCharacters)
{
    // A tool's arguments or output is context, not the conversation: a long one must not push the turns out of the budget.
    private const int MaxToolTextCharacters = 500;

    // Turns come from the event reader, typed text and tool results from the call's control task.
    private readonly Lock _gate = new();
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
        lock (_gate)
        {
            _lines.AddLast(line);
            _characters += line.Length + 1;
            while (_characters > maxCharacters && _lines.First is { } oldest)
            {
                _characters -= oldest.Value.Length + 1;
                _lines.RemoveFirst();
            }
        }
    }

    /// <summary>Adds the agent's call of tool <paramref name="name"/>.</summary>
    public void AddToolCall(string name, string argumentsJson) =>
        Add($"Agent (called the tool {name})", Shorten(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson));

    /// <summary>Adds what tool <paramref name="name"/> returned.</summary>
    public void AddToolResult(string name, string output) =>
        Add($"Tool {name} returned", Shorten(string.IsNullOrWhiteSpace(output) ? "(nothing)" : output));

    /// <summary>
    /// Notes that tool <paramref name="name"/> was still running when the session dropped, so the new session neither
    /// calls it again nor guesses its outcome: its result follows as a note in the conversation.
    /// </summary>
    public void AddToolPending(string name) =>
        Add($"Tool {name}", "still running when the reconnection happened; its result will follow in a note");

    /// <summary>
    /// Adds a turn the dropped connection cut off after <paramref name="heard"/>, so the new session knows the caller
    /// heard only that much and can finish the thought instead of starting over or greeting again.
    /// </summary>
    public void AddCutOff(string speaker, string heard) =>
        Add(speaker + " (cut off here by the reconnection; the caller heard only this much)", heard.TrimEnd() + " …");

    /// <summary><paramref name="instructions"/> with the conversation so far appended (unchanged when there is none).</summary>
    public string AppendTo(string instructions)
    {
        lock (_gate)
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

    private static string Shorten(string text) =>
        text.Length <= MaxToolTextCharacters ? text : string.Concat(text.AsSpan(0, MaxToolTextCharacters), " …");
}
