namespace DvServerless.Simulators.Acs;

/// <summary>
/// The Call Automation operations the app invokes on one simulated call (answer, reject or redirect, get, play,
/// transfer, hang-up), each answered with the status, body and error code ACS would return, and the callbacks that
/// follow them. Media streaming operations are <see cref="SimulatedCallMedia"/>'s.
/// </summary>
internal sealed class SimulatedCallOperations(SimulatedCall owner, SimulatedCallContext call, SimulatedCallMedia media)
{
    /// <summary>The answer to any operation on a call that has ended.</summary>
    public static (int Status, string? Body, string? ErrorCode) Ended() =>
        (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");

    public (int Status, string? Body, string? ErrorCode) Answer(AnswerSettings settings)
    {
        lock (call.Gate)
        {
            call.Record.AnswerAttempts++;
            if (call.IsEnded)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call has already ended."), "BadRequest");
            }

            if (call.AnswerCount > 0 || Refused)
            {
                call.Note("answer refused: already " + (Refused ? "rejected or redirected" : "answered"));
                return AlreadyAnswered();
            }

            call.AnswerCount++;
            call.Answer = settings;
            call.CallConnectionId = Guid.NewGuid().ToString();
            call.State = "connecting";
            call.SubscriptionState = settings.Media is null ? "disabled" : "inactive";
            call.Record.AnsweredAfter = call.Elapsed;
            call.Simulator.RegisterConnection(call.CallConnectionId, owner);
            call.Answered.TrySetResult();
            _ = ConnectAsync(settings);
            return (200, call.PropertiesJson(), null);
        }
    }

    public (int Status, string? Body, string? ErrorCode) Refuse(bool redirect, string? target)
    {
        lock (call.Gate)
        {
            if (call.AnswerCount > 0 || Refused || call.IsEnded)
            {
                return AlreadyAnswered();
            }

            Refused = true;
            call.Record.TransferTarget = target;
            call.Note(redirect ? "redirected to " + target : "rejected");
            call.Ended.TrySetResult((redirect ? SimulatedCallOutcome.Redirected : SimulatedCallOutcome.Rejected, null));
            return (204, null, null);
        }
    }

    public (int Status, string? Body, string? ErrorCode) GetProperties()
    {
        lock (call.Gate)
        {
            return call.IsEnded ? Ended() : (200, call.PropertiesJson(), null);
        }
    }

    public (int Status, string? Body, string? ErrorCode) HangUp()
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return Ended();
            }

            call.State = "disconnecting";
            call.Ended.TrySetResult((SimulatedCallOutcome.AppHungUp, 7000));
            return (204, null, null);
        }
    }

    public (int Status, string? Body, string? ErrorCode) Play(string body, string? operationContext)
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return Ended();
            }

            call.Record.AddPlay(body);
            call.Note("play requested");
        }

        _ = CompletePlayAsync(operationContext);
        return (202, null, null);
    }

    public (int Status, string? Body, string? ErrorCode) Transfer(string target, string? operationContext)
    {
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return Ended();
            }

            call.Record.TransferTarget = target;
            call.State = "transferring";
            call.Note("transfer to " + target);
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

    public (int Status, string? Body, string? ErrorCode) CancelAllMediaOperations()
    {
        call.Note("cancel all media operations");
        return (202, null, null);
    }

    /// <summary>True once the call was rejected or redirected. Under the call's lock.</summary>
    private bool Refused { get; set; }

    private static (int Status, string? Body, string? ErrorCode) AlreadyAnswered() =>
        (400, AcsEventJson.Error("BadRequest", "Call already answered, rejected or redirected."), "BadRequest");

    private async Task ConnectAsync(AnswerSettings settings)
    {
        await Task.Delay(call.Simulator.Options.CallConnectedDelay, call.Time).ConfigureAwait(false);
        lock (call.Gate)
        {
            if (call.IsEnded)
            {
                return;
            }

            call.State = "connected";
            call.Note("answered");
            call.Post("CallConnected", settings.CallbackUri, settings.OperationContext, (200, 0, string.Empty));
            if (call.Answer?.Media is { StartMediaStreaming: true } streaming && !media.IsStarted)
            {
                media.StartLocked(streaming);
            }
        }
    }

    private async Task CompletePlayAsync(string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200), call.Time).ConfigureAwait(false);
        lock (call.Gate)
        {
            if (!call.IsEnded && call.Answer is not null)
            {
                call.Post("PlayCompleted", call.Answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."));
            }
        }
    }

    private async Task CompleteTransferAsync(string target, string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), call.Time).ConfigureAwait(false);
        lock (call.Gate)
        {
            if (call.IsEnded || call.Answer is null)
            {
                return;
            }

            if (call.Request.TransferFailure is { } failure)
            {
                // The transferee could not be reached: the caller stays with the app, which hears why in the callback.
                call.State = "connected";
                call.Note("transfer to " + target + " failed");
                call.Post("CallTransferFailed", call.Answer.CallbackUri, operationContext, (failure.Code, failure.SubCode, failure.Message));
                return;
            }

            call.Post("CallTransferAccepted", call.Answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."), writer =>
            {
                writer.WritePropertyName("transferTarget");
                AcsEventJson.WriteIdentifier(writer, target);
            });
            call.Ended.TrySetResult((SimulatedCallOutcome.Transferred, 7000));
        }
    }
}
