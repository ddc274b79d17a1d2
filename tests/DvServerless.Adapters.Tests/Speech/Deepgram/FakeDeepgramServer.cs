using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace DvServerless.Adapters.Tests.Speech.Deepgram;

/// <summary>
/// A stand-in for Deepgram's <c>/v1/listen</c> WebSocket on 127.0.0.1:0: records the handshake (query, headers) and
/// every frame the client sends, and lets the test push server messages and close the stream.
/// </summary>
internal sealed class FakeDeepgramServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly TaskCompletionSource<WebSocket> _socket = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeDeepgramServer(WebApplication app) => _app = app;

    /// <summary>The base URL to configure as <c>Deepgram:BaseUrl</c> (http; the adapter turns it into ws).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, the handshake is refused with this status and a <c>dg-error</c> header.</summary>
    public int? RefuseWith { get; set; }

    /// <summary>The handshake's path.</summary>
    public string? Path { get; private set; }

    /// <summary>The handshake's query parameters.</summary>
    public Dictionary<string, StringValues> Query { get; private set; } = [];

    /// <summary>The handshake's <c>Authorization</c> header.</summary>
    public string? Authorization { get; private set; }

    public static async Task<FakeDeepgramServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeDeepgramServer(app);
        app.UseWebSockets();
        app.Map("/v1/listen", server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>Waits for the next frame the client sent.</summary>
    public async Task<ReceivedFrame> NextFrameAsync(TimeSpan? wait = null)
    {
        using var guard = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        return await _frames.Reader.ReadAsync(guard.Token);
    }

    /// <summary>True when a frame is waiting.</summary>
    public bool TryTakeFrame(out ReceivedFrame? frame) => _frames.Reader.TryRead(out frame);

    /// <summary>Sends one server message as a text frame.</summary>
    public async Task SendAsync(string json)
    {
        var socket = await _socket.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    /// <summary>Closes the stream from the server side.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        var socket = await _socket.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await socket.CloseOutputAsync(status, reason, CancellationToken.None);
    }

    /// <summary>A <c>Results</c> message as Deepgram sends it (times in seconds).</summary>
    public static string Results(string transcript, double start, double duration, bool isFinal, bool speechFinal, double confidence = 0.98) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            {"type":"Results","channel_index":[0,1],"duration":{{duration}},"start":{{start}},"is_final":{{(isFinal ? "true" : "false")}},"speech_final":{{(speechFinal ? "true" : "false")}},"channel":{"alternatives":[{"transcript":"{{transcript}}","confidence":{{confidence}},"words":[]}]},"metadata":{"request_id":"5f1c7a1e-8a47-4d6a-9d0e-2f3f8b1c9a10","model_info":{"name":"general-nova-3","version":"2025-01-14.0","arch":"nova-3"},"model_uuid":"40bd3654-e622-47c4-a111-63a61b23bfd4"},"from_finalize":false}
            """);

    public async ValueTask DisposeAsync()
    {
        _finished.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        Path = context.Request.Path;
        Query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value);
        Authorization = context.Request.Headers.Authorization;
        if (RefuseWith is { } status)
        {
            context.Response.StatusCode = status;
            context.Response.Headers["dg-error"] = "Invalid credentials.";
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        _socket.TrySetResult(socket);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _frames.Writer.TryWrite(new ReceivedFrame(WebSocketMessageType.Close, []));
                    break;
                }

                _frames.Writer.TryWrite(new ReceivedFrame(result.MessageType, message.ToArray()));
            }

            await _finished.Task.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }
}

/// <summary>One frame the client sent.</summary>
internal sealed record ReceivedFrame(WebSocketMessageType Type, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);
}
