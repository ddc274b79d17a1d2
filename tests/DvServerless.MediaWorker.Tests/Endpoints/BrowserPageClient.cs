using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace DvServerless.MediaWorker.Tests.Endpoints;

/// <summary>A browser page in a test: a ClientWebSocket whose frames are read in the background and kept in order.</summary>
internal sealed class BrowserPageClient : IAsyncDisposable
{
    private readonly List<JsonElement> _events = [];
    private readonly List<int> _audioFrames = [];
    private readonly Task _reading;

    private BrowserPageClient(ClientWebSocket socket)
    {
        Socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    public ClientWebSocket Socket { get; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseReason { get; private set; }

    public int AudioBytes
    {
        get
        {
            lock (_audioFrames)
            {
                return _audioFrames.Sum();
            }
        }
    }

    public static async Task<BrowserPageClient> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new BrowserPageClient(socket);
    }

    public JsonElement[] Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    public Task SendTextAsync(string json) => Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAudioAsync(byte[] pcm) => Socket.SendAsync(pcm, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? match = null, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            var found = Events().FirstOrDefault(e => e.GetProperty("type").GetString() == type && (match is null || match(e)));
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"No {type} event; got {string.Join(", ", Events().Select(e => e.GetProperty("type").GetString()))}.");
    }

    public async Task WaitForAudioAsync(int bytes, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (AudioBytes < bytes)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Got {AudioBytes} of {bytes} audio bytes.");
            }

            await Task.Delay(5);
        }
    }

    public Task WhenClosedAsync() => _reading.WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        Socket.Abort();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[128 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = Socket.CloseStatus;
                    CloseReason = Socket.CloseStatusDescription;
                    if (Socket.State == WebSocketState.CloseReceived)
                    {
                        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_audioFrames)
                    {
                        _audioFrames.Add(length);
                    }
                }
                else
                {
                    var element = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                    lock (_events)
                    {
                        _events.Add(element);
                    }
                }
            }
        }
        catch (WebSocketException)
        {
        }
    }
}
