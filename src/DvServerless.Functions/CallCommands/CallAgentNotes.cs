using DvServerless.Core.Calls;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// Tells the agent of a live call what the phone system learned (a transfer that failed), by the path the call APIs'
/// commands take (<see cref="ICallCommandClient"/>: the call's replica queue, else HTTP): a <see cref="CallCommandKind.Note"/>
/// that the worker gives the engine as a system message, with a response, so the agent speaks to the caller. The texts
/// are this app's own (<see cref="TransferNotes"/>): never a phone number, never words of the model or the caller.
/// </summary>
public sealed partial class CallAgentNotes
{
    private readonly ICallCommandClient _worker;
    private readonly ILogger<CallAgentNotes> _logger;

    /// <summary>Creates the sender.</summary>
    public CallAgentNotes(ICallCommandClient worker, ILogger<CallAgentNotes> logger)
    {
        _worker = worker;
        _logger = logger;
    }

    /// <summary>Sends <paramref name="text"/> to the agent of <paramref name="session"/>'s call while it is live; true when the worker took it.</summary>
    public async Task<bool> TellAsync(CallSession session, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (CallStateMachine.IsFinal(session.State))
        {
            // Nobody is left to tell: the call is over.
            LogNotTold(session.CallId, "the call is over");
            return false;
        }

        CallCommandAnswer answer;
        try
        {
            answer = await _worker.SendAsync(session, new CallCommand(CallCommandKind.Note, Text: text), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            answer = new CallCommandAnswer(CallCommandResult.Failed, null, "sending failed (" + e.GetType().Name + ")");
        }

        if (answer.Result != CallCommandResult.Done)
        {
            LogNotTold(session.CallId, answer.Detail);
            return false;
        }

        LogTold(session.CallId);
        return true;
    }

    [LoggerMessage(EventId = 9493, Level = LogLevel.Information, Message = "Call {CallId}: the agent was told the transfer did not happen")]
    private partial void LogTold(string callId);

    [LoggerMessage(EventId = 9494, Level = LogLevel.Warning, Message = "Call {CallId}: the agent could not be told the transfer did not happen: {Detail}")]
    private partial void LogNotTold(string callId, string detail);
}
