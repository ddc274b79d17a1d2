namespace DvServerless.MediaWorker.Calls;

// The caller's keypad: keys from the leg (ACS DtmfData) or from the engine (SIP) go to one CallKeypad, which hands a
// finished entry back as a transcript line (written on the control task, in order with the turns) and as typed user
// text (the same path as text typed in a browser: it cuts the agent off and waits for the engine if need be).
public sealed partial class CallLoop
{
    private CallKeypad CreateKeypad() => new(_time, _options.KeypadPause,
        text => SendUserText(text),
        line => _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.KeypadLine, line)));

    private async Task RunKeypadPathAsync(CancellationToken cancellationToken)
    {
        if (_leg.Keypresses is not { } keys)
        {
            return;
        }

        try
        {
            await foreach (var key in keys.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _keypad.Press(key);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
