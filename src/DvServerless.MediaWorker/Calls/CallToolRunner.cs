using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Runs the agent's tool calls for one call: each <c>call_id</c> once, off the control task (tools may be slow: HTTP,
/// storage), with the outcome handed back to the loop by <c>completed</c>. An unknown tool is answered at once. A tool
/// with a <see cref="ToolFiller"/> that is still running after its delay has the filler line said (when the call can speak).
/// </summary>
internal sealed partial class CallToolRunner
{
    private readonly string _callId;
    private readonly Dictionary<string, ICallToolHandler> _tools;
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, CancellationToken, Task>? _sayFiller;

    /// <summary>
    /// Creates the runner; <paramref name="sayFiller"/> speaks a slow tool's filler line into the call (null: the call
    /// cannot, as a SIP sideband, and fillers are skipped).
    /// </summary>
    public CallToolRunner(string callId, IEnumerable<ICallToolHandler> tools, TimeProvider timeProvider, ILogger logger,
        Func<string, CancellationToken, Task>? sayFiller = null)
    {
        _sayFiller = sayFiller;
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
            // The filler's clock starts before the tool does, so a tool that blocks at once is still timed from its start.
            var filler = _sayFiller is null ? null : handler.Filler;
            var answered = filler is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var fillerDue = filler is null ? null : Task.Delay(filler.Value.After, _time, answered!.Token);
            var running = handler.InvokeAsync(_callId, toolCall, cancellationToken).AsTask();
            if (fillerDue is not null)
            {
                await SayFillerIfSlowAsync(running, fillerDue, answered!, filler!.Value.Text, toolCall.Name).ConfigureAwait(false);
            }

            result = await running.ConfigureAwait(false);
            failed = result.Failed;
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

    /// <summary>
    /// Waits for <paramref name="running"/> or <paramref name="fillerDue"/>; on the delay, starts saying the filler line without
    /// holding the tool's answer back. The line is dropped if the tool answers before its speech is ready.
    /// </summary>
    private async Task SayFillerIfSlowAsync(Task running, Task fillerDue, CancellationTokenSource answered, string text, string tool)
    {
        var first = await Task.WhenAny(running, fillerDue).ConfigureAwait(false);
        if (first != fillerDue || fillerDue.IsCanceled)
        {
            await answered.CancelAsync().ConfigureAwait(false);
            answered.Dispose();
            return;
        }

        _ = running.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Cancel(), answered,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = Task.Run(async () =>
        {
            try
            {
                await _sayFiller!(text, answered.Token).ConfigureAwait(false);
                LogFillerSaid(_callId, tool);
            }
            catch (OperationCanceledException) when (answered.IsCancellationRequested)
            {
                // The tool answered (or the call ended) first: the line is no longer wanted.
            }
            catch (Exception ex)
            {
                LogFillerFailed(_callId, tool, ex.GetType().Name);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(EventId = 8806, Level = LogLevel.Debug, Message = "Call {CallId}: tool {Tool} is slow; the agent says its filler line")]
    private partial void LogFillerSaid(string callId, string tool);

    [LoggerMessage(EventId = 8807, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} is slow and its filler line could not be spoken ({Error})")]
    private partial void LogFillerFailed(string callId, string tool, string error);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "Call {CallId}: the agent called the unknown tool {Tool}")]
    private partial void LogUnknownTool(string callId, string tool);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} failed")]
    private partial void LogToolFailed(Exception exception, string callId, string tool);
}
