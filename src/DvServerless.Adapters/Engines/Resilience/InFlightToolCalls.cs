using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The tool calls of a call's sessions that are not settled yet: asked for and still running, or answered to a session
/// that has not yet started the response that speaks the result. A result for a call of the current session goes to it
/// as before; a session that drops takes its calls with it, so a result for one of those goes to the next session as a
/// note (<see cref="DroppedToolResult"/>), held while the engine reconnects, and never twice.
/// </summary>
/// <remarks>
/// Not thread-safe on its own: <see cref="ReconnectHold"/> owns it and calls it under the lock that also guards whether
/// the engine is reconnecting and what is held for the next session, so the two never disagree.
/// </remarks>
internal sealed class InFlightToolCalls
{
    private readonly Dictionary<string, ToolCall> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noted = new(StringComparer.Ordinal);

    /// <summary>A call is unsettled: a hand-over now would strand its result in a session that never asked for it.</summary>
    public bool Any => _calls.Count > 0;

    /// <summary>Takes one event of the current session: a tool call it asks for, or a response it starts.</summary>
    public void Track(EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case ToolCallRequested requested:
                // The call loop runs a call_id once however often it is reported; so is it tracked once.
                _calls.TryAdd(requested.CallId, new ToolCall(requested.Name));
                break;
            case ResponseStarted:
                // The session took the outputs sent so far and is speaking them: those calls are settled.
                foreach (var (callId, call) in _calls)
                {
                    if (call is { OfDroppedSession: false, Output: not null })
                    {
                        _calls.Remove(callId);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// Decides where the result of <paramref name="callId"/> goes, given whether the session is down (then a dropped
    /// session's result is <see cref="ToolResultRoute.Held"/>: the owner keeps it); <paramref name="name"/> is the tool's, when known.
    /// </summary>
    public ToolResultRoute Route(string callId, string output, bool sessionDown, out string? name)
    {
        if (!_calls.TryGetValue(callId, out var call))
        {
            name = null;
            return _noted.Contains(callId) ? ToolResultRoute.Duplicate : ToolResultRoute.CurrentSession;
        }

        name = call.Name;
        if (!call.OfDroppedSession)
        {
            call.Output = output;
            return ToolResultRoute.CurrentSession;
        }

        if (call.Output is not null)
        {
            return ToolResultRoute.Duplicate;
        }

        call.Output = output;
        if (sessionDown)
        {
            return ToolResultRoute.Held;
        }

        _calls.Remove(callId);
        _noted.Add(callId);
        return ToolResultRoute.NoteNow;
    }

    /// <summary>
    /// The current session dropped: its calls become a dropped session's. Returns the calls still without a result; an
    /// output sent to it that no response was started for is added to <paramref name="held"/> for the next session (the
    /// dropped one may never have taken it).
    /// </summary>
    public IReadOnlyList<(string CallId, string Name)> SessionDropped(List<DroppedToolResult> held)
    {
        var running = new List<(string, string)>();
        foreach (var (callId, call) in _calls)
        {
            if (call.OfDroppedSession)
            {
                continue;
            }

            call.OfDroppedSession = true;
            if (call.Output is null)
            {
                running.Add((callId, call.Name));
            }
            else
            {
                held.Add(new DroppedToolResult(callId, call.Name, call.Output));
            }
        }

        return running;
    }

    /// <summary>
    /// The next session is up and is given the <paramref name="held"/> results (settled from now on); returns whether
    /// calls of a dropped session still run (their results will bring the agent's next answer).
    /// </summary>
    public bool SessionRestored(IReadOnlyList<DroppedToolResult> held)
    {
        foreach (var result in held)
        {
            _calls.Remove(result.CallId);
            _noted.Add(result.CallId);
        }

        var stillRunning = false;
        foreach (var call in _calls.Values)
        {
            stillRunning |= call is { OfDroppedSession: true, Output: null };
        }

        return stillRunning;
    }

    /// <summary>A tool call as this engine knows it.</summary>
    private sealed class ToolCall(string name)
    {
        public string Name { get; } = name;

        /// <summary>Asked for by a session that has since dropped.</summary>
        public bool OfDroppedSession { get; set; }

        /// <summary>The result, once the call loop gave it.</summary>
        public string? Output { get; set; }
    }
}
