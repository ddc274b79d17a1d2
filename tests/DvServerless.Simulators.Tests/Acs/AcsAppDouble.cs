using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Tests.Acs;

/// <summary>
/// Plays the project's apps for the simulator: a Kestrel server that takes IncomingCall deliveries, callbacks and the
/// media WebSocket, records them, and runs a test-supplied script on the socket.
/// </summary>
internal sealed class AcsAppDouble : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AcsAppDouble(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    public Uri IncomingCallUrl => new(BaseUrl + "/incoming");

    public string CallbackUrl => BaseUrl + "/callbacks";

    public string MediaUrl => $"ws://127.0.0.1:{new Uri(BaseUrl).Port}/media";

    public TaskCompletionSource<(Dictionary<string, string> Headers, string Body)> IncomingCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The statuses to answer IncomingCall deliveries with, in order; 200 once it is empty.</summary>
    public ConcurrentQueue<int> IncomingStatuses { get; } = new();

    /// <summary>The <c>aeg-delivery-count</c> header of every IncomingCall delivery, in arrival order.</summary>
    public ConcurrentQueue<string> IncomingDeliveryCounts { get; } = new();

    public ConcurrentQueue<(string Authorization, string Body)> Callbacks { get; } = new();

    public ConcurrentQueue<(TimeSpan At, string Text)> MediaFrames { get; } = new();

    public TaskCompletionSource<Dictionary<string, string>> MediaHeaders { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource MediaClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs on the media socket beside the receive loop.</summary>
    public Func<WebSocket, Task>? MediaScript { get; set; }

    public static async Task<AcsAppDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        AcsAppDouble? self = null;
        app.UseWebSockets();
        app.MapPost("/incoming", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = Copy(context.Request.Headers);
            self!.IncomingCall.TrySetResult((headers, body));
            self.IncomingDeliveryCounts.Enqueue(headers.GetValueOrDefault("aeg-delivery-count") ?? "");
            return Results.StatusCode(self.IncomingStatuses.TryDequeue(out var status) ? status : 200);
        });
        app.MapPost("/callbacks", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            self!.Callbacks.Enqueue((context.Request.Headers.Authorization.ToString(), await reader.ReadToEndAsync()));
            return Results.Ok();
        });
        app.Map("/media", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            self!.MediaHeaders.TrySetResult(Copy(context.Request.Headers));
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            // A script that aborts the socket stands for a process that died: its connection goes too (an aborted
            // WebSocket alone can leave the TCP connection open until this handler returns).
            var script = self.MediaScript is { } run
                ? Task.Run(async () =>
                {
                    await run(socket);
                    if (socket.State == WebSocketState.Aborted)
                    {
                        context.Abort();
                    }
                })
                : Task.CompletedTask;
            var clock = Stopwatch.StartNew();
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        break;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (result.EndOfMessage)
                    {
                        self.MediaFrames.Enqueue((clock.Elapsed, Encoding.UTF8.GetString(message.ToArray())));
                        message.SetLength(0);
                    }
                }
            }
            catch (WebSocketException)
            {
            }

            await script;
            self.MediaClosed.TrySetResult();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        self = new AcsAppDouble(app, port);
        return self;
    }

    private static Dictionary<string, string> Copy(IHeaderDictionary headers) =>
        headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
