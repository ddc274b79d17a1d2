using DvServerless.MediaWorker.Calls;

namespace DvServerless.MediaWorker.Tests.Fakes;

public sealed class RecordingCallControl : ICallControl
{
    public List<(string CallId, string Reason)> HangUps { get; } = [];

    public ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken)
    {
        HangUps.Add((callId, reason));
        return ValueTask.CompletedTask;
    }
}
