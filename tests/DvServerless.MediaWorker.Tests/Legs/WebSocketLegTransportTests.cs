using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Tests.Legs;

public sealed class WebSocketLegTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Control_messages_jump_ahead_of_queued_audio()
    {
        var socket = new RecordingWebSocket();
        await using var transport = new WebSocketLegTransport(socket, new RawProtocol(), 1024, 4096);
        transport.QueueAudio(new byte[] { 1, 1 });
        transport.QueueAudio(new byte[] { 2, 2 });
        Assert.True(transport.TrySendControlCopy("{\"type\":\"event\"}"u8));

        transport.Start();

        Assert.Equal("text:{\"type\":\"event\"}", await socket.NextSentAsync());
        Assert.Equal("binary:0101", await socket.NextSentAsync());
        Assert.Equal("binary:0202", await socket.NextSentAsync());
    }

    [Fact]
    public async Task Audio_queued_before_a_flush_is_never_sent()
    {
        var socket = new RecordingWebSocket();
        await using var transport = new WebSocketLegTransport(socket, new RawProtocol(), 1024, 4096);
        transport.QueueAudio(new byte[] { 1, 1 });
        transport.FlushAudio();
        Assert.True(transport.TrySendControl("stop"u8.ToArray()));
        transport.QueueAudio(new byte[] { 2, 2 });

        transport.Start();

        Assert.Equal("text:stop", await socket.NextSentAsync());
        Assert.Equal("binary:0202", await socket.NextSentAsync());
    }

    [Fact]
    public async Task Close_sends_queued_control_then_the_close_frame_and_drops_audio()
    {
        var socket = new RecordingWebSocket();
        await using var transport = new WebSocketLegTransport(socket, new RawProtocol(), 1024, 4096);
        transport.QueueAudio(new byte[] { 1, 1 });
        Assert.True(transport.TrySendControlCopy("bye"u8));

        transport.RequestClose(WebSocketCloseStatus.PolicyViolation, "test");

        Assert.True(transport.CloseRequested);
        Assert.False(transport.TrySendControlCopy("late"u8));
        Assert.True(transport.Inbound.Completion.IsCompleted);
        Assert.Equal("text:bye", await socket.NextSentAsync());
        Assert.Equal("close:PolicyViolation:test", await socket.NextSentAsync());
    }

    /// <summary>Audio goes out as binary, unchanged; inbound is ignored.</summary>
    private sealed class RawProtocol : IWebSocketLegProtocol
    {
        public WebSocketMessageType AudioMessageType => WebSocketMessageType.Binary;

        public int MaxMessageBytes(WebSocketMessageType type) => 4096;

        public void OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> message)
        {
        }

        public void OnMessageTooBig(WebSocketMessageType type, int limit)
        {
        }

        public ReadOnlyMemory<byte> EncodeAudio(ReadOnlyMemory<byte> pcm) => pcm;

        public void OnCloseRequested()
        {
        }

        public void OnReceiveEnded()
        {
        }

        public void OnPeerClosed(int status)
        {
        }

        public void OnSocketFailed(WebSocketError error)
        {
        }
    }

    /// <summary>Records what is sent; a receive waits until our close frame goes out, then answers with the peer's.</summary>
    private sealed class RecordingWebSocket : WebSocket
    {
        private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();
        private readonly TaskCompletionSource _closeSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private WebSocketState _state = WebSocketState.Open;

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => _state;

        public override string? SubProtocol => null;

        public async Task<string> NextSentAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        public override void Abort() => _state = WebSocketState.Aborted;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            _sent.Writer.TryWrite($"close:{closeStatus}:{statusDescription}");
            _state = WebSocketState.CloseSent;
            _closeSent.TrySetResult();
            return Task.CompletedTask;
        }

        public override void Dispose() => _state = WebSocketState.Closed;

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await _closeSent.Task.WaitAsync(cancellationToken);
            _state = WebSocketState.Closed;
            return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, WebSocketCloseStatus.NormalClosure, null);
        }

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            var text = messageType == WebSocketMessageType.Text
                ? "text:" + Encoding.UTF8.GetString(buffer)
                : "binary:" + Convert.ToHexString(buffer);
            _sent.Writer.TryWrite(text);
            return Task.CompletedTask;
        }
    }
}
