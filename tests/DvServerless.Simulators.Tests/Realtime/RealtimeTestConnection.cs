using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

/// <summary>A plain ClientWebSocket speaking raw GA JSON to the simulator (deliberately not the project's engine).</summary>
internal sealed class RealtimeTestConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(10));

    private RealtimeTestConnection(ClientWebSocket socket) => _socket = socket;

    public ClientWebSocket Socket => _socket;

    public static async Task<RealtimeTestConnection> OpenAsync(RealtimeSimulator simulator, string query = "model=gpt-realtime", string? key = LocalDefaults.RealtimeSimulatorApiKey)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime");
        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        var uri = new Uri(simulator.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/realtime?" + query);
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new RealtimeTestConnection(socket);
    }

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, _timeout.Token);

    public Task SendAsync(JsonObject evt) => SendAsync(evt.ToJsonString());

    /// <summary>The next server event, or null when the server closed.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, _timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (JsonObject)JsonNode.Parse(message.ToArray())!;
            }
        }
    }

    /// <summary>Receives until an event of <paramref name="type"/>; returns it and everything before it.</summary>
    public async Task<(JsonObject Event, List<JsonObject> Before)> ReceiveUntilAsync(string type)
    {
        var before = new List<JsonObject>();
        while (true)
        {
            var evt = await ReceiveAsync() ?? throw new InvalidOperationException($"closed before '{type}'; saw {string.Join(", ", before.Select(e => (string?)e["type"]))}");
            if ((string?)evt["type"] == type)
            {
                return (evt, before);
            }

            before.Add(evt);
        }
    }

    public async Task<JsonObject> ReadSessionCreatedAsync()
    {
        var created = await ReceiveAsync();
        Assert.Equal("session.created", (string?)created!["type"]);
        var conversation = await ReceiveAsync();
        Assert.Equal("conversation.created", (string?)conversation!["type"]);
        return created;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _timeout.Dispose();
    }
}
