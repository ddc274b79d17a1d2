using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// One simulated Realtime WebSocket session: sends <c>session.created</c> and <c>conversation.created</c>, then reads
/// client events and dispatches them, one at a time, to the parts that own them — the input audio buffer and its VAD
/// (<see cref="RealtimeInputAudioBuffer"/>), the conversation (<see cref="RealtimeConversation"/>), the responses
/// (<see cref="RealtimeResponses"/>), the SIP playout buffer (<see cref="RealtimeOutputPlayback"/>) and the optional
/// connection-drop fault. All session state is guarded by one lock and every server event is queued, under that lock,
/// to a single sender, so the order on the wire is the order decisions were made in — even when the paced response
/// stream and the receive loop act at the same moment.
/// </summary>
internal sealed partial class RealtimeSimulatorSession
{
    private readonly WebSocket _socket;
    private readonly RealtimeSessionContext _session;
    private readonly RealtimeInputAudioBuffer _input;
    private readonly RealtimeResponses _responses;
    private readonly RealtimeOutputPlayback _playback;
    private readonly RealtimeConnectionDropFault _drop;
    private readonly RealtimeClientEventDispatcher _dispatcher;

    public RealtimeSimulatorSession(
        WebSocket socket,
        RealtimeSimulatorOptions options,
        RealtimeSimulatorRecords records,
        string model,
        string? callId,
        bool transcription,
        ILogger logger,
        CancellationToken shutdown)
    {
        _socket = socket;
        _session = new RealtimeSessionContext(options, records, model, callId, transcription, logger, shutdown);
        Model = model;
        var usage = new RealtimeUsageMeter(_session.Config);
        var conversation = new RealtimeConversation(_session, usage);
        _playback = new RealtimeOutputPlayback(_session);
        _responses = new RealtimeResponses(_session, conversation, usage, _playback, OnResponseDone, OnResponseStarted);
        _input = new RealtimeInputAudioBuffer(_session, conversation, usage, _responses);
        _drop = new RealtimeConnectionDropFault(_session, _input, conversation, _responses.StopActive);
        _dispatcher = new RealtimeClientEventDispatcher(_session, _input, conversation, _responses, _playback);
    }

    public string SessionId => _session.SessionId;

    public string Model { get; }

    /// <summary>The TCP socket under the WebSocket, when the server exposes it; a drop shuts its sending side.</summary>
    public System.Net.Sockets.Socket? Transport { get; init; }

    public async Task RunAsync()
    {
        var config = _session.Config;
        lock (_session.Gate)
        {
            var created = RealtimeServerEventQueue.NewEvent("session.created");
            created["session"] = config.Session.DeepClone();
            _session.Events.Send(created);
            var conversation = RealtimeServerEventQueue.NewEvent("conversation.created");
            conversation["conversation"] = new JsonObject { ["id"] = _session.ConversationId, ["object"] = "realtime.conversation" };
            _session.Events.Send(conversation);
        }

        var callId = _session.CallId;
        _session.Records.AddSession(new RealtimeSessionRecord(
            SessionId, callId is null && !config.IsTranscriptionSession ? Model : null, callId, config.IsTranscriptionSession,
            _session.Time.GetUtcNow(), config.Session.ToJsonString()));
        RealtimeSimulatorLog.SessionStarted(_session.Logger, SessionId, Model);

        using var drop = _drop.Start();
        using var limit = _session.Time.CreateTimer(
            static state => ((RealtimeSimulatorSession)state!).CloseAtMaximumDuration(), this, _session.Options.MaxSessionDuration, Timeout.InfiniteTimeSpan);
        var connection = new RealtimeSessionConnection(_socket, Transport, _session, _dispatcher, _drop);
        var sender = connection.SendAsync();
        try
        {
            await connection.ReceiveAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _session.CloseReason ??= ex is OperationCanceledException ? "simulator stopped" : "connection lost: " + ex.Message;
        }
        finally
        {
            lock (_session.Gate)
            {
                _session.Closing = true;
                _responses.StopActive();
            }

            _session.Events.Complete();
            await sender.ConfigureAwait(false);
            var reason = _session.CloseReason ?? "closed";
            _session.Records.UpdateSession(SessionId, s => s with { EndedAt = _session.Time.GetUtcNow(), CloseReason = reason });
            RealtimeSimulatorLog.SessionEnded(_session.Logger, SessionId, reason);
            _session.Lifetime.Dispose();
        }
    }

    // The fault counts responses for its "after N responses" and "during the Nth response" triggers.
    private void OnResponseDone() => _drop.CountResponse();

    private void OnResponseStarted() => _drop.CountResponseStarted();

    private void CloseAtMaximumDuration()
    {
        lock (_session.Gate)
        {
            if (_session.Closing)
            {
                return;
            }

            // Measured from the live service: close 1001 with this exact reason (PROTOCOL §1.1).
            _responses.StopActive();
            _session.BeginClose(WebSocketCloseStatus.EndpointUnavailable, "Your session hit the maximum duration of 60 minutes.");
        }
    }
}
