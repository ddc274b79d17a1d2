using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>
/// A scripted Realtime server on 127.0.0.1:0 for engine tests: records the handshake and every client frame, greets
/// with <c>session.created</c>, answers <c>session.update</c> as scripted, and lets the test push GA server events.
/// </summary>
internal sealed class FakeRealtimeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<WebSocket> _socket = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private FakeRealtimeServer(WebApplication app) => _app = app;

    /// <summary>What the server answers to <c>session.update</c>; null = no answer. Default: <c>session.updated</c>.</summary>
    public Func<JsonElement, string?> SessionUpdateReply { get; set; } = _ => SessionUpdatedJson;

    /// <summary>The upgrade request as received.</summary>
    public HandshakeRecord? Handshake { get; private set; }

    /// <summary>Every text frame the client sent, in order.</summary>
    public List<string> AllFrames { get; } = [];

    public string BaseUrl { get; private set; } = "";

    public const string SessionUpdatedJson = """
        {"type":"session.updated","event_id":"event_C9G8mqI3IucaojlVKE8Cs","session":{"type":"realtime","object":"realtime.session","id":"sess_C9G8l3zp50uFv4qgxfJ8o","model":"gpt-realtime-2025-08-28","output_modalities":["audio"],"instructions":"Be brief.","tools":[],"tool_choice":"auto","max_output_tokens":"inf","tracing":null,"prompt":null,"expires_at":1756324625,"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":null,"noise_reduction":null,"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500,"idle_timeout_ms":null,"create_response":true,"interrupt_response":true}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin","speed":1}},"include":null}}
        """;

    public static async Task<FakeRealtimeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeRealtimeServer(app);
        app.UseWebSockets();
        app.Map("/v1/realtime", server.AcceptAsync);
        app.Map("/openai/v1/realtime", server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>Waits for the next client frame.</summary>
    public async Task<JsonElement> NextFrameAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = await _frames.Reader.ReadAsync(guard.Token);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends one server event as a text frame.</summary>
    public async Task SendAsync(string json)
    {
        var socket = await _socket.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the socket from the server side.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        var socket = await _socket.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _sendLock.WaitAsync();
        try
        {
            await socket.CloseOutputAsync(status, description, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _finished.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        Handshake = new HandshakeRecord(
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            context.WebSockets.WebSocketRequestedProtocols.ToList());
        var subProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol);
        _socket.TrySetResult(socket);
        await SendAsync("""{"type":"session.created","event_id":"event_1","session":{"type":"realtime","object":"realtime.session","id":"sess_1","model":"gpt-realtime","expires_at":1756324625}}""");
        await SendAsync("""{"type":"conversation.created","event_id":"event_2","conversation":{"id":"conv_1","object":"realtime.conversation"}}""");

        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                lock (AllFrames)
                {
                    AllFrames.Add(text);
                }

                using var document = JsonDocument.Parse(text);
                if (document.RootElement.GetProperty("type").GetString() == "session.update"
                    && SessionUpdateReply(document.RootElement) is { } reply)
                {
                    await SendAsync(reply);
                }

                await _frames.Writer.WriteAsync(text);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away; the test has what it needs.
        }
    }

    internal sealed record HandshakeRecord(
        string Path, string Query, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> SubProtocols);
}
