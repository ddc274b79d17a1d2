using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Runs the agent's tool calls for one call: each <c>call_id</c> once, off the control task (tools may be slow: HTTP,
/// storage), with the outcome handed back to the loop by <c>completed</c>. An unknown tool is answered at once.
/// </summary>
internal sealed partial class CallToolRunner
{
    private readonly string _callId;
    private readonly Dictionary<string, ICallToolHandler> _tools;
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CallToolRunner(string callId, IEnumerable<ICallToolHandler> tools, TimeProvider timeProvider, ILogger logger)
    {
        _callId = callId;
        _tools = tools.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether the tool call <paramref name="toolCallId"/> was already started (the engine may report one twice).</summary>
    public bool HasStarted(string toolCallId) => _started.Contains(toolCallId);

    /// <summary>
    /// Starts <paramref name="toolCall"/> unless its <c>call_id</c> already ran. Returns null when it started (or was a
    /// repeat), else the outcome to apply now (an unknown tool).
    /// </summary>
    public CallToolOutcome? Start(ToolCallRequested toolCall, Action<CallToolOutcome> completed, CancellationToken cancellationToken)
    {
        if (!TryBegin(toolCall, out var handler, out var immediate))
        {
            return immediate;
        }

        _ = Task.Run(async () =>
        {
            if (await InvokeAsync(handler!, toolCall, cancellationToken).ConfigureAwait(false) is { } outcome)
            {
                completed(outcome);
            }
        }, CancellationToken.None);
        return null;
    }

    /// <summary>
    /// Runs <paramref name="toolCall"/> and waits for it, for callers with no audio to keep moving meanwhile (the SIP
    /// sideband). Null for a repeated <c>call_id</c> or when cancelled.
    /// </summary>
    public async Task<CallToolOutcome?> RunAsync(ToolCallRequested toolCall, CancellationToken cancellationToken)
    {
        if (!TryBegin(toolCall, out var handler, out var immediate))
        {
            return immediate;
        }

        return await InvokeAsync(handler!, toolCall, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when <paramref name="toolCall"/> is new and has a handler; false with the outcome to apply now for an unknown
    /// tool, or with none for a repeat.
    /// </summary>
    private bool TryBegin(ToolCallRequested toolCall, out ICallToolHandler? handler, out CallToolOutcome? immediate)
    {
        handler = null;
        immediate = null;
        if (!_started.Add(toolCall.CallId))
        {
            return false; // Each call_id runs once, however often the engine reports it.
        }

        if (!_tools.TryGetValue(toolCall.Name, out handler))
        {
            LogUnknownTool(_callId, toolCall.Name);
            immediate = new CallToolOutcome(toolCall, new CallToolResult("{\"error\":\"unknown tool\"}"), TimeSpan.Zero, Failed: true);
            return false;
        }

        return true;
    }

    private async Task<CallToolOutcome?> InvokeAsync(ICallToolHandler handler, ToolCallRequested toolCall, CancellationToken cancellationToken)
    {
        CallToolResult result;
        var started = _time.GetTimestamp();
        var failed = false;
        try
        {
            result = await handler.InvokeAsync(_callId, toolCall.ArgumentsJson, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            LogToolFailed(ex, _callId, toolCall.Name);
            result = new CallToolResult("{\"error\":\"tool failed\"}");
            failed = true;
        }

        return new CallToolOutcome(toolCall, result, _time.GetElapsedTime(started), failed);
    }

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "Call {CallId}: the agent called the unknown tool {Tool}")]
    private partial void LogUnknownTool(string callId, string tool);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} failed")]
    private partial void LogToolFailed(Exception exception, string callId, string tool);
}
