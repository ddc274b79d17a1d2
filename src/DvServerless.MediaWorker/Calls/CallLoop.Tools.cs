using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

// Tool calls: each runs once per call_id off the control task; its outcome comes back as a message.
public sealed partial class CallLoop
{
    private async ValueTask StartToolCallAsync(ToolCallRequested toolCall, CancellationToken cancellationToken)
    {
        if (_tools.HasStarted(toolCall.CallId))
        {
            return; // Each call_id runs once, however often the engine reports it.
        }

        _toolsRunning++;
        var now = _tools.Start(toolCall, outcome => _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.ToolCompleted, outcome)), cancellationToken);
        if (now is not null)
        {
            await HandleToolCompletedAsync(now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleToolCompletedAsync(CallToolOutcome outcome, CancellationToken cancellationToken)
    {
        Observer?.OnToolCompleted(outcome.Request, outcome.Duration, outcome.Failed);
        _toolsRunning--;
        if (outcome.Result.EndCall)
        {
            // Let the goodbye already queued play out, then end (RunControlAsync checks once the playout is idle).
            LogAgentEndsCall(_callId, outcome.Request.Name);
            _endRequested = true;
            return;
        }

        await _engine.SendToolResultAsync(outcome.Request.CallId, outcome.Result.Output, cancellationToken).ConfigureAwait(false);

        // The engine answers with the result: thinking until its audio comes.
        _callerTurnEnded = true;
    }
}
