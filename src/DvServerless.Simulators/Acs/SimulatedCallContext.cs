using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// What every part of one <see cref="SimulatedCall"/> shares: its ids, its connection state as ACS reports it, how it
/// was answered, the tasks that say it was answered and ended, its callbacks, its live progress notes and its record.
/// Mutable state here and in the call's parts is guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class SimulatedCallContext
{
    private readonly long _placedAt;
    private readonly Channel<SimulatedCallProgress> _progress = Channel.CreateUnbounded<SimulatedCallProgress>();

    public SimulatedCallContext(AcsSimulator simulator, SimulatedCallRequest request)
    {
        Simulator = simulator;
        Request = request;
        Time = simulator.Options.TimeProvider;
        _placedAt = Time.GetTimestamp();
        IncomingCallContext = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        ServerCallId = Convert.ToBase64String(Encoding.UTF8.GetBytes("https://simulator.local/conv/" + Guid.NewGuid())).TrimEnd('=');
        CorrelationId = Guid.NewGuid().ToString();
        MediaSubscriptionId = Guid.NewGuid().ToString();
        Callbacks = new AcsCallbackPoster(simulator, Time);
        Record = new SimulatedCallRecorder(Gate, request);
    }

    /// <summary>The one lock over the call's state.</summary>
    public object Gate { get; } = new();

    public AcsSimulator Simulator { get; }

    public SimulatedCallRequest Request { get; }

    public TimeProvider Time { get; }

    public string IncomingCallContext { get; }

    public string ServerCallId { get; }

    public string CorrelationId { get; }

    public string MediaSubscriptionId { get; }

    /// <summary>The call connection id, once answered.</summary>
    public string? CallConnectionId { get; set; }

    /// <summary>The call connection state (<c>connecting</c>, <c>connected</c>, <c>disconnected</c>, …).</summary>
    public string State { get; set; } = "unknown";

    /// <summary>The media streaming subscription state (<c>disabled</c>, <c>inactive</c>, <c>active</c>).</summary>
    public string SubscriptionState { get; set; } = "disabled";

    /// <summary>How the app answered, once it did.</summary>
    public AnswerSettings? Answer { get; set; }

    /// <summary>Answers that succeeded so far.</summary>
    public int AnswerCount { get; set; }

    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once with how the call ended and the CallDisconnected sub-code, if one is posted.</summary>
    public TaskCompletionSource<(SimulatedCallOutcome Outcome, int? SubCode)> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the call has ended, however it ended.</summary>
    public bool IsEnded => Ended.Task.IsCompleted;

    public AcsCallbackPoster Callbacks { get; }

    /// <summary>What happened on the call, for its result.</summary>
    public SimulatedCallRecorder Record { get; }

    /// <summary>Time since the call was placed.</summary>
    public TimeSpan Elapsed => Time.GetElapsedTime(_placedAt);

    public ChannelReader<SimulatedCallProgress> Progress => _progress.Reader;

    /// <summary>Adds a live progress note.</summary>
    public void Note(string note) => _progress.Writer.TryWrite(new SimulatedCallProgress(Elapsed, note));

    /// <summary>No more notes: the progress stream completes.</summary>
    public void CompleteProgress() => _progress.Writer.TryComplete();

    /// <summary>Queues a Call Automation callback about this call.</summary>
    public void Post(string eventName, Uri callbackUri, string? operationContext, (int, int, string)? result, Action<Utf8JsonWriter>? extraData = null)
    {
        var body = AcsEventJson.CallbackArray(eventName, new CallIds(CallConnectionId!, ServerCallId, CorrelationId), Time.GetUtcNow(), operationContext, result, extraData);
        Callbacks.Enqueue("Microsoft.Communication." + eventName, body, callbackUri);
    }

    /// <summary>The call connection's properties as ACS returns them. Under <see cref="Gate"/>.</summary>
    public string PropertiesJson() => AcsEventJson.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("callConnectionId", CallConnectionId);
        writer.WriteString("serverCallId", ServerCallId);
        writer.WriteStartArray("targets");
        AcsEventJson.WriteIdentifier(writer, Request.To);
        writer.WriteEndArray();
        writer.WriteString("callConnectionState", State);
        writer.WriteString("callbackUri", Answer?.CallbackUri.OriginalString);
        writer.WritePropertyName("source");
        AcsEventJson.WriteIdentifier(writer, Request.From);
        writer.WriteString("correlationId", CorrelationId);
        writer.WriteStartObject("mediaStreamingSubscription");
        writer.WriteString("id", MediaSubscriptionId);
        writer.WriteString("state", SubscriptionState);
        writer.WriteStartArray("subscribedContentTypes");
        writer.WriteStringValue("audio");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });
}
