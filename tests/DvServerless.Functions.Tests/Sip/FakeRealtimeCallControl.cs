using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DvServerless.Adapters.OpenAI.Calls;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>Records every call-control request; answers with the configured results (200 by default).</summary>
public sealed class FakeRealtimeCallControl : IRealtimeCallControl
{
    public ConcurrentQueue<(string Operation, string CallId, string? Detail)> Requests { get; } = new();

    public RealtimeCallControlResult AcceptResult { get; set; } = new(RealtimeCallControlOutcome.Ok, 200, null, 1);

    /// <summary>When set, accepts wait for it (to hold concurrent deliveries inside the accept).</summary>
    public Task? AcceptGate { get; set; }

    public int Count(string operation) => Requests.Count(r => r.Operation == operation);

    public async Task<RealtimeCallControlResult> AcceptAsync(string callId, JsonObject session, CancellationToken cancellationToken)
    {
        Requests.Enqueue(("accept", callId, session.ToJsonString()));
        if (AcceptGate is not null)
        {
            await AcceptGate.WaitAsync(cancellationToken);
        }

        return AcceptResult;
    }

    public Task<RealtimeCallControlResult> RejectAsync(string callId, int? statusCode, CancellationToken cancellationToken)
    {
        Requests.Enqueue(("reject", callId, statusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Task.FromResult(new RealtimeCallControlResult(RealtimeCallControlOutcome.Ok, 200, null, 1));
    }

    public Task<RealtimeCallControlResult> ReferAsync(string callId, string targetUri, CancellationToken cancellationToken)
    {
        Requests.Enqueue(("refer", callId, targetUri));
        return Task.FromResult(new RealtimeCallControlResult(RealtimeCallControlOutcome.Ok, 200, null, 1));
    }

    public Task<RealtimeCallControlResult> HangUpAsync(string callId, CancellationToken cancellationToken)
    {
        Requests.Enqueue(("hangup", callId, null));
        return Task.FromResult(new RealtimeCallControlResult(RealtimeCallControlOutcome.Ok, 200, null, 1));
    }
}
