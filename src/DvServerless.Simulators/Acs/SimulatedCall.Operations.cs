using System.Text.Json;

namespace DvServerless.Simulators.Acs;

// The Call Automation operations the app invokes on the call (answer, reject, play, transfer, media streaming, hang-up),
// each answered with the status, body and error code ACS would return, and the callbacks that follow them.
public sealed partial class SimulatedCall
{
    internal (int Status, string? Body, string? ErrorCode) Answer(AnswerSettings settings)
    {
        lock (_gate)
        {
            _answerAttempts++;
            if (_ended.Task.IsCompleted)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call has already ended."), "BadRequest");
            }

            if (_answerCount > 0 || _refused)
            {
                Note("answer refused: already " + (_refused ? "rejected or redirected" : "answered"));
                return (400, AcsEventJson.Error("BadRequest", "Call already answered, rejected or redirected."), "BadRequest");
            }

            _answerCount++;
            _answer = settings;
            CallConnectionId = Guid.NewGuid().ToString();
            _state = "connecting";
            _subscriptionState = settings.Media is null ? "disabled" : "inactive";
            _answeredAfter = _time.GetElapsedTime(_placedAt);
            _simulator.RegisterConnection(CallConnectionId, this);
            _answered.TrySetResult();
            _ = ConnectAsync(settings);
            return (200, PropertiesJsonLocked(), null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) Refuse(bool redirect, string? target)
    {
        lock (_gate)
        {
            if (_answerCount > 0 || _refused || _ended.Task.IsCompleted)
            {
                return (400, AcsEventJson.Error("BadRequest", "Call already answered, rejected or redirected."), "BadRequest");
            }

            _refused = true;
            _transferTarget = target;
            Note(redirect ? "redirected to " + target : "rejected");
            _ended.TrySetResult((redirect ? SimulatedCallOutcome.Redirected : SimulatedCallOutcome.Rejected, null));
            return (204, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) GetProperties()
    {
        lock (_gate)
        {
            return _ended.Task.IsCompleted
                ? (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound")
                : (200, PropertiesJsonLocked(), null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) HangUpByApp()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _state = "disconnecting";
            _ended.TrySetResult((SimulatedCallOutcome.AppHungUp, 7000));
            return (204, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) Play(string body, string? operationContext)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _plays.Add(body);
            Note("play requested");
        }

        _ = CompletePlayAsync(operationContext);
        return (202, null, null);
    }

    internal (int Status, string? Body, string? ErrorCode) Transfer(string target, string? operationContext)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _transferTarget = target;
            _state = "transferring";
            Note("transfer to " + target);
        }

        _ = CompleteTransferAsync(target, operationContext);
        return (202, AcsEventJson.Write(writer =>
        {
            writer.WriteStartObject();
            if (operationContext is not null)
            {
                writer.WriteString("operationContext", operationContext);
            }

            writer.WriteEndObject();
        }), null);
    }

    internal (int Status, string? Body, string? ErrorCode) StartMediaStreaming()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            if (_answer?.Media is null)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call was answered without mediaStreamingOptions."), "BadRequest");
            }

            if (_mediaTask is not null || _mediaStopped)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming has already been started."), "BadRequest");
            }

            if (_state == "connected")
            {
                StartMediaLocked(_answer.Media);
            }
            else
            {
                // Started before CallConnected: ConnectAsync starts it once connected.
                _answer = _answer with { Media = _answer.Media with { StartMediaStreaming = true } };
            }

            return (202, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) StopMediaStreaming()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            if (_mediaTask is null || _mediaStopped)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming is not active."), "BadRequest");
            }

            _mediaStopped = true;
            _subscriptionState = "inactive";
            Post("MediaStreamingStopped", _answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStopped", "subscriptionStopped"));
        }

        _mediaStop.Cancel();
        Note("media streaming stopped by app");
        return (202, null, null);
    }

    internal (int Status, string? Body, string? ErrorCode) CancelAllMediaOperations()
    {
        Note("cancel all media operations");
        return (202, null, null);
    }

    private async Task ConnectAsync(AnswerSettings settings)
    {
        await Task.Delay(_simulator.Options.CallConnectedDelay, _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return;
            }

            _state = "connected";
            Note("answered");
            Post("CallConnected", settings.CallbackUri, settings.OperationContext, (200, 0, string.Empty));
            if (_answer?.Media is { StartMediaStreaming: true } media && _mediaTask is null)
            {
                StartMediaLocked(media);
            }
        }
    }

    private async Task EndAfterMaxDurationAsync()
    {
        await Task.WhenAny(_ended.Task, Task.Delay(_request.MaxDuration, _time)).ConfigureAwait(false);
        if (_ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001)))
        {
            Note("maximum duration reached");
        }
    }

    private async Task CompletePlayAsync(string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200), _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_ended.Task.IsCompleted && _answer is not null)
            {
                Post("PlayCompleted", _answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."));
            }
        }
    }

    private async Task CompleteTransferAsync(string target, string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (_ended.Task.IsCompleted || _answer is null)
            {
                return;
            }

            Post("CallTransferAccepted", _answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."), writer =>
            {
                writer.WritePropertyName("transferTarget");
                AcsEventJson.WriteIdentifier(writer, target);
            });
            _ended.TrySetResult((SimulatedCallOutcome.Transferred, 7000));
        }
    }

    private void StartMediaLocked(MediaStreamingSettings media)
    {
        _playout = new AcsPlayoutQueue(media.Format, _request.KeepMediaRecord);
        var session = new AcsMediaSession(this, _simulator, _request, media, _playout, CallerSpeech.Convert(_callerPcm, _callerFormat, media.Format));
        _mediaTask = Task.Run(() => session.RunAsync(_mediaStop.Token));
    }
}
