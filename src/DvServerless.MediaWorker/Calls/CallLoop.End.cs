using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;

namespace DvServerless.MediaWorker.Calls;

// The end of a call: release waiting barriers, write the last of the record, hang up when the agent ended it, and
// dispose the engine and the leg.
public sealed partial class CallLoop
{
    private async Task EndAsync()
    {
        _messages.Writer.TryComplete();
        while (_messages.Reader.TryRead(out var message))
        {
            if (message.Kind == LoopMessageKind.Barrier)
            {
                ((TaskCompletionSource)message.Payload!).TrySetResult();
            }
            else if (message.Payload is AgentAudioDelta unplayed)
            {
                // Agent audio that came in as the call ended: back to the pool, or the buffers stay rented for good.
                unplayed.Release();
            }
        }

        ReleaseBarriers();
        _keypad.Dispose();
        _turns.Finish(Cost);

        _playout?.Dispose();
        _agentResampler?.Dispose();

        LogCallEnded(_callId, _endReason ?? CallEndReason.Cancelled, _playout?.FramesSent ?? 0);

        if (_endReason is CallEndReason.AgentEnded or CallEndReason.CallerSilent or CallEndReason.TimeLimit)
        {
            try
            {
                using var hangUpTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _callControl.HangUpAsync(_callId, _hangUpReason ?? EndCallToolHandler.ToolName, hangUpTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogCleanupFailed(ex, _callId, "hang-up");
            }
        }

        await DisposeQuietlyAsync(_engine, "engine").ConfigureAwait(false);
        await DisposeQuietlyAsync(_leg, "leg").ConfigureAwait(false);
        await _turns.CompleteAsync(_options.RecordFlushTimeout).ConfigureAwait(false);
        await _turns.DisposeAsync().ConfigureAwait(false);
        Observer?.OnCompleted(_endReason ?? CallEndReason.Cancelled);
    }

    private async ValueTask DisposeQuietlyAsync(IAsyncDisposable disposable, string what)
    {
        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCleanupFailed(ex, _callId, what);
        }
    }
}
