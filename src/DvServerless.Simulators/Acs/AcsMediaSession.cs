using System.Net.WebSockets;
using System.Threading.Channels;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// One call's bidirectional media stream as ACS runs it: connects the WebSocket to the app's transport URL, then sends
/// the caller's audio (<see cref="CallerMediaSender"/>) and receives the app's (<see cref="AppMediaReceiver"/>) until
/// the call ends, and closes the socket.
/// </summary>
internal sealed class AcsMediaSession
{
    private readonly AcsSimulator _simulator;
    private readonly SimulatedCallRequest _request;
    private readonly MediaStreamingSettings _media;
    private readonly ReadOnlyMemory<byte> _speech;

    public AcsMediaSession(SimulatedCall call, AcsSimulator simulator, SimulatedCallRequest request, MediaStreamingSettings media,
        AcsPlayoutQueue playout, ReadOnlyMemory<byte> speech)
    {
        Call = call;
        _simulator = simulator;
        _request = request;
        _media = media;
        Playout = playout;
        _speech = speech;
        Time = simulator.Options.TimeProvider;
    }

    /// <summary>The call this stream belongs to.</summary>
    public SimulatedCall Call { get; }

    /// <summary>The simulated caller's playout of the app's audio.</summary>
    public AcsPlayoutQueue Playout { get; }

    /// <summary>The simulator's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// What the app sent, in arrival order, for the caller's side to play on its next tick: audio, or null for a
    /// StopAudio. Written by the receiver, read by the sender.
    /// </summary>
    public Channel<(TimeSpan ArrivedAt, byte[]? Audio)> FromApp { get; } =
        Channel.CreateUnbounded<(TimeSpan, byte[]?)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>When the socket connected (<see cref="TimeProvider.GetTimestamp"/>); media times count from it.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>Time since the socket connected.</summary>
    public TimeSpan Elapsed => Time.GetElapsedTime(StartTimestamp);

    /// <summary>Runs the stream until <paramref name="cancellationToken"/> fires (the call ended or the app stopped streaming) or the caller hangs up.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + _simulator.Tokens.CreateMediaToken());
        socket.Options.SetRequestHeader("x-ms-call-connection-id", Call.CallConnectionId);
        socket.Options.SetRequestHeader("x-ms-call-correlation-id", Call.CorrelationId);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(_media.TransportUrl, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            Call.OnMediaConnectFailed(exception.Message);
            return;
        }

        StartTimestamp = Time.GetTimestamp();
        Call.OnMediaConnected();
        var receiving = new AppMediaReceiver(this, socket).RunAsync();
        try
        {
            await new CallerMediaSender(this, socket, _request, _media, _speech).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Playout.Finish();
        Call.OnMediaEnded(Elapsed);

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", closeTimeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }

        // Not cancelled with the call: the socket gets its 2 s to close before it is aborted.
        if (await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), Time, CancellationToken.None)).ConfigureAwait(false) != receiving)
        {
            socket.Abort();
            await receiving.ConfigureAwait(false);
        }
    }
}
