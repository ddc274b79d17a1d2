using DvServerless.Core.Audio;
using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

// The caller path (leg → engine, its own task) and the engine path (engine events → the control task's channel).
public sealed partial class CallLoop
{
    private async Task RunCallerPathAsync(AudioFormat legFormat, CancellationToken cancellationToken)
    {
        var engineFormat = _engine.AudioFormat;
        using var resampler = legFormat == engineFormat ? null : new ResamplingBuffer(legFormat, engineFormat);
        var reader = _leg.Inbound;
        try
        {
            // No token on the wait (a cancellable wait allocates per frame): the leg completes Inbound when the loop
            // closes it, which ends this path.
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    using (frame)
                    {
                        _metrics?.FrameIn();
                        if (resampler is null)
                        {
                            // Pass-through (ACS PCM 24 kHz ↔ Realtime audio/pcm): the pooled frame goes to the engine as is.
                            await _engine.SendAudioAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        await _engine.SendAudioAsync(resampler.Process(frame.Span), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            _messages.Writer.TryWrite(LoopMessage.LegClosed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogCallerPathFailed(ex, _callId);
            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
    }

    private async Task RunEnginePathAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var engineEvent in _engine.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Stamped as it comes off the socket: a barge-in's reaction time counts from here.
                if (!_messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Engine, engineEvent, _time.GetTimestamp())))
                {
                    // The loop has ended: nobody will play the audio, so it goes back to the pool.
                    (engineEvent as AgentAudioDelta)?.Release();
                }
            }

            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogEnginePathFailed(ex, _callId);
            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
    }
}
