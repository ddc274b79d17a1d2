using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The tool calls of a call's sessions that are not settled yet: asked for and still running, or answered to a session
/// that has not yet started the response that speaks the result. A result for a call of the current session goes to it
/// as before; a session that drops takes its calls with it, so a result for one of those goes to the next session as a
/// note (<see cref="DroppedToolResult"/>), held while the engine reconnects, and never twice.
/// </summary>
/// <remarks>
/// Thread-safe: calls and responses are seen on the event reader, results come from the call's control task, and a
/// result may come while a drop is being handled.
/// </remarks>
internal sealed class InFlightToolCalls
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ToolCall> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noted = new(StringComparer.Ordinal);
    private readonly List<DroppedToolResult> _held = [];
    private bool _sessionDown;

    /// <summary>A call is unsettled: a hand-over now would strand its result in a session that never asked for it.</summary>
    public bool Any
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count > 0 || _held.Count > 0;
            }
        }
    }

    /// <summary>Takes one event of the current session: a tool call it asks for, or a response it starts.</summary>
    public void Track(EngineEvent engineEvent)
    {
        lock (_gate)
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
    }

    /// <summary>Decides where the result of <paramref name="callId"/> goes; <paramref name="name"/> is the tool's, when known.</summary>
    public ToolResultRoute Route(string callId, string output, out string? name)
    {
        lock (_gate)
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
            if (_sessionDown)
            {
                _held.Add(new DroppedToolResult(callId, call.Name, output));
                return ToolResultRoute.Held;
            }

            _calls.Remove(callId);
            _noted.Add(callId);
            return ToolResultRoute.NoteNow;
        }
    }

    /// <summary>
    /// The current session dropped: its calls become a dropped session's. Returns the calls still without a result; an
    /// output sent to it that no response was started for is held for the next session (the dropped one may never
    /// have taken it).
    /// </summary>
    public IReadOnlyList<(string CallId, string Name)> SessionDropped()
    {
        lock (_gate)
        {
            _sessionDown = true;
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
                    _held.Add(new DroppedToolResult(callId, call.Name, call.Output));
                }
            }

            return running;
        }
    }

    /// <summary>
    /// The next session is up: returns the results held for it (now to be noted to it), and whether calls of a dropped
    /// session still run (their results will bring the agent's next answer).
    /// </summary>
    public (IReadOnlyList<DroppedToolResult> Held, bool StillRunning) SessionRestored()
    {
        lock (_gate)
        {
            _sessionDown = false;
            var held = _held.ToArray();
            _held.Clear();
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

            return (held, stillRunning);
        }
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
