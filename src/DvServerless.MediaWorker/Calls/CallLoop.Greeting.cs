using DvServerless.MediaWorker.Greeting;

namespace DvServerless.MediaWorker.Calls;

// The cached greeting: loaded while the engine connects, queued the moment it is ready unless the engine already speaks.
public sealed partial class CallLoop
{
    private async Task PostGreetingAsync(Task<GreetingAudio?> load)
    {
        try
        {
            if (await load.ConfigureAwait(false) is { } audio)
            {
                _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Engine, new GreetingReady(audio)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void QueueGreeting(GreetingAudio greeting)
    {
        var playout = _playout!;
        if (!playout.IsIdle || playout.FramesSent > 0)
        {
            return; // The engine already speaks: a greeting now would talk over it.
        }

        // The greeting was loaded at the leg's format. ReceivedMs is counted in the engine's format: express its length so.
        var pcm = greeting.Pcm;
        var engineBytes = (int)((long)pcm.Length * _engine.AudioFormat.SampleRate / greeting.Format.SampleRate) & ~1;
        playout.Append(GreetingReady.ItemId, GreetingReady.ItemId, 0, engineBytes, pcm);
        playout.CompleteResponse(GreetingReady.ItemId);
        _turns.GreetingText(greeting.Text);
    }
}
