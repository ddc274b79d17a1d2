using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// The conversation a cascaded engine sends to its language model: the system prompt, then the last
/// <c>maxTurns</c> caller turns and everything after the oldest of them. An agent message is kept as the caller heard
/// it: <see cref="SetAgentText"/> replaces it as it is spoken and again when a barge-in truncates it. Tool calls are
/// always followed by their results; a result that has not arrived yet is sent as pending, so a new turn never carries
/// a dangling call. Thread-safe: the engine's listener, responses and the call loop all touch it.
/// </summary>
internal sealed class ConversationHistory
{
    /// <summary>The result sent for a tool call whose result has not arrived.</summary>
    internal const string PendingToolResult = "{\"status\":\"pending\",\"note\":\"no result yet\"}";

    // No agent item id looks like this (the engine numbers its own items).
    private const string SystemNoteIdPrefix = "system-note-";

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, string> _toolResults = new(StringComparer.Ordinal);
    private readonly string _systemPrompt;
    private readonly int _maxTurns;
    private int _systemNotes;

    public ConversationHistory(string systemPrompt, int maxTurns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTurns, 1);
        _systemPrompt = systemPrompt;
        _maxTurns = maxTurns;
    }

    /// <summary>Adds what the caller said (or typed).</summary>
    public void AddCallerText(string text)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(null, new ChatMessage(ChatRole.User, text)));
            Trim();
        }
    }

    /// <summary>
    /// Adds a note from the phone system as a system message where the conversation stands. It gets an item id of its
    /// own, so it never counts as a caller turn (nor as the caller having spoken).
    /// </summary>
    public void AddSystemNote(string text)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(SystemNoteIdPrefix + (++_systemNotes).ToString(System.Globalization.CultureInfo.InvariantCulture),
                new ChatMessage(ChatRole.System, text)));
        }
    }

    /// <summary>Sets the text of agent item <paramref name="itemId"/>, adding it when new; empty text removes a text-only item.</summary>
    public void SetAgentText(string itemId, string text)
    {
        lock (_lock)
        {
            var index = _entries.FindIndex(e => e.ItemId == itemId);
            var calls = index < 0 ? new List<FunctionCallContent>() : _entries[index].Message.Contents.OfType<FunctionCallContent>().ToList();
            if (text.Length == 0 && calls.Count == 0)
            {
                if (index >= 0)
                {
                    _entries.RemoveAt(index);
                }

                return;
            }

            var message = Assistant(text, calls);
            if (index < 0)
            {
                _entries.Add(new Entry(itemId, message));
            }
            else
            {
                _entries[index] = new Entry(itemId, message);
            }
        }
    }

    /// <summary>Adds <paramref name="calls"/> to agent item <paramref name="itemId"/> (created when new).</summary>
    public void AddToolCalls(string itemId, IReadOnlyList<FunctionCallContent> calls)
    {
        lock (_lock)
        {
            var index = _entries.FindIndex(e => e.ItemId == itemId);
            var text = index < 0 ? string.Empty : _entries[index].Message.Text;
            var all = index < 0 ? new List<FunctionCallContent>() : _entries[index].Message.Contents.OfType<FunctionCallContent>().ToList();
            all.AddRange(calls);
            var entry = new Entry(itemId, Assistant(text, all));
            if (index < 0)
            {
                _entries.Add(entry);
            }
            else
            {
                _entries[index] = entry;
            }
        }
    }

    /// <summary>Records the result of tool call <paramref name="callId"/>.</summary>
    public void SetToolResult(string callId, string output)
    {
        lock (_lock)
        {
            _toolResults[callId] = output;
        }
    }

    /// <summary>The text of agent item <paramref name="itemId"/>, or null when it is not (or no longer) in the history.</summary>
    public string? AgentText(string itemId)
    {
        lock (_lock)
        {
            return _entries.Find(e => e.ItemId == itemId)?.Message.Text;
        }
    }

    /// <summary>The messages for the next request: system prompt, the kept turns, and <paramref name="instructions"/> last.</summary>
    public List<ChatMessage> Snapshot(string? instructions = null)
    {
        lock (_lock)
        {
            var messages = new List<ChatMessage>(_entries.Count + 3);
            if (!string.IsNullOrWhiteSpace(_systemPrompt))
            {
                messages.Add(new ChatMessage(ChatRole.System, _systemPrompt));
            }

            foreach (var entry in _entries)
            {
                messages.Add(entry.Message);
                var calls = entry.Message.Contents.OfType<FunctionCallContent>().ToList();
                if (calls.Count > 0)
                {
                    // Every call answered right after the message that made it, as the chat APIs require.
                    messages.Add(new ChatMessage(ChatRole.Tool, calls.Select(c => (AIContent)new FunctionResultContent(
                        c.CallId, _toolResults.TryGetValue(c.CallId, out var output) ? output : PendingToolResult)).ToList()));
                }
            }

            if (!string.IsNullOrWhiteSpace(instructions))
            {
                // One-off instructions (a greeting) go last. Some providers refuse a conversation without a user message
                // (Anthropic): before the caller has said anything, they are sent as the user's message.
                var role = _entries.Any(e => e.ItemId is null) ? ChatRole.System : ChatRole.User;
                messages.Add(new ChatMessage(role, instructions));
            }

            return messages;
        }
    }

    private static ChatMessage Assistant(string text, List<FunctionCallContent> calls)
    {
        var contents = new List<AIContent>(calls.Count + 1);
        if (text.Length > 0)
        {
            contents.Add(new TextContent(text));
        }

        contents.AddRange(calls);
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    /// <summary>Drops everything before the <c>maxTurns</c>-th last caller message.</summary>
    private void Trim()
    {
        var callerTurns = 0;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].ItemId is null && ++callerTurns == _maxTurns)
            {
                if (i > 0)
                {
                    foreach (var dropped in _entries.Take(i))
                    {
                        foreach (var call in dropped.Message.Contents.OfType<FunctionCallContent>())
                        {
                            _toolResults.Remove(call.CallId);
                        }
                    }

                    _entries.RemoveRange(0, i);
                }

                return;
            }
        }
    }

    private sealed record Entry(string? ItemId, ChatMessage Message);
}
