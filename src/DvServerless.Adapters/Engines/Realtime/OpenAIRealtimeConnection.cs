using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using OpenAI.Realtime;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// The one place that touches the official OpenAI realtime client (NuGet <c>OpenAI</c> 2.15.0, experimental OPENAI002).
/// It owns the WebSocket handshake (URL <c>{base}/realtime?model=…</c>, Bearer from an <see cref="ApiKeyCredential"/>,
/// the <c>realtime</c> subprotocol, no <c>OpenAI-Beta</c>). Frames then go straight over its socket: the GA JSON on the
/// wire is exactly ours, unknown server events reach our own lenient parser, and no frame allocates. (The client's own
/// <c>SendCommandAsync</c> / <c>ReceiveUpdatesAsync</c> copied every frame into new arrays, a <c>BinaryData</c> and a
/// result object: about 230 KB per call per second at 50 frames a second each way, whose collections paused every call.)
/// </summary>
internal sealed class OpenAIRealtimeConnection : IAsyncDisposable
{
    // Most server events are one audio delta (a few KB of base64); the buffer grows for the rare large one.
    private const int InitialReceiveBuffer = 16 * 1024;

    /// <summary>The largest server event accepted; a bigger one closes the connection as a protocol error.</summary>
    internal const int MaxServerEventBytes = 16 * 1024 * 1024;

    private readonly RealtimeSessionClient _session;

    private OpenAIRealtimeConnection(RealtimeSessionClient session) => _session = session;

    /// <summary>
    /// Opens the socket to <c>{baseUrl}/realtime?model={model}</c>, authenticated with <c>bearerToken</c> as
    /// <c>Authorization: Bearer</c> (OpenAI key, simulator key, Entra token) or, when given, <c>azureApiKey</c> as the
    /// Azure <c>api-key</c> header (then no Bearer is sent).
    /// </summary>
    public static Task<OpenAIRealtimeConnection> ConnectAsync(
        Uri baseUrl, string model, string? bearerToken, string? azureApiKey, CancellationToken cancellationToken) =>
        ConnectAsync(baseUrl, model, null, bearerToken, azureApiKey, cancellationToken);

    /// <summary>
    /// Opens a sideband socket to <c>{baseUrl}/realtime?call_id={sipCallId}</c> for a SIP call already accepted by
    /// its <c>call_id</c>: no model (the accept chose it), same authentication as a session.
    /// </summary>
    public static Task<OpenAIRealtimeConnection> ConnectSidebandAsync(
        Uri baseUrl, string sipCallId, string? bearerToken, string? azureApiKey, CancellationToken cancellationToken) =>
        ConnectAsync(baseUrl, null, sipCallId, bearerToken, azureApiKey, cancellationToken);

    /// <summary>
    /// Opens a transcription-only session, <c>{baseUrl}/realtime?intent=transcription</c> (PROTOCOL §1.1), with the same
    /// authentication as a conversation session; the client then sends <c>session.update</c> with <c>type: "transcription"</c>.
    /// </summary>
    public static Task<OpenAIRealtimeConnection> ConnectTranscriptionAsync(
        Uri baseUrl, string? bearerToken, string? azureApiKey, CancellationToken cancellationToken) =>
        ConnectAsync(baseUrl, null, null, bearerToken, azureApiKey, cancellationToken, transcription: true);

    private static async Task<OpenAIRealtimeConnection> ConnectAsync(
        Uri baseUrl, string? model, string? sipCallId, string? bearerToken, string? azureApiKey, CancellationToken cancellationToken,
        bool transcription = false)
    {
        var clientOptions = new RealtimeClientOptions { Endpoint = baseUrl };
        RealtimeClient client;
        var sessionOptions = new RealtimeSessionClientOptions();
        if (azureApiKey is not null)
        {
            // The SDK applies an AuthenticationPolicy to REST calls only, never to the socket (PROTOCOL §6.1): the
            // header policy keeps REST correct, and the socket gets the key through the session headers instead.
            client = new RealtimeClient(
                ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(azureApiKey), "api-key"), clientOptions);
            sessionOptions.Headers["api-key"] = azureApiKey;
        }
        else
        {
            client = new RealtimeClient(new ApiKeyCredential(bearerToken ?? string.Empty), clientOptions);
        }

        RealtimeSessionClient session;
        if (transcription)
        {
            session = await client.StartTranscriptionSessionAsync(sessionOptions, cancellationToken).ConfigureAwait(false);
        }
        else if (sipCallId is not null)
        {
            // PROTOCOL §6.1: with no model and no intent the SDK sends only QueryString, which replaces the whole query.
            sessionOptions.QueryString = "call_id=" + Uri.EscapeDataString(sipCallId);
            session = await client.StartSessionAsync(model: null, intent: null, sessionOptions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            session = await client.StartConversationSessionAsync(model!, sessionOptions, cancellationToken).ConfigureAwait(false);
        }
        return new OpenAIRealtimeConnection(session);
    }

    /// <summary>The close status the server sent, once the socket has closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _session.WebSocket?.CloseStatus;

    /// <summary>The close reason the server sent, once the socket has closed.</summary>
    public string? CloseStatusDescription => _session.WebSocket?.CloseStatusDescription;

    /// <summary>Sends one complete JSON text frame. Callers serialize calls; the memory is not kept.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        Socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>
    /// Every server frame as raw JSON, until the server closes the socket. A frame's memory is one pooled buffer, reused
    /// for the next: read or copy it before moving on.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var socket = Socket;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        buffer = Grow(buffer, length);
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        yield break;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                yield return buffer.AsMemory(0, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private WebSocket Socket => _session.WebSocket ?? throw new InvalidOperationException("The realtime session has no socket.");

    private static byte[] Grow(byte[] buffer, int length)
    {
        if (length >= MaxServerEventBytes)
        {
            throw new WebSocketException(WebSocketError.HeaderError,
                $"A server event is larger than {MaxServerEventBytes / (1024 * 1024)} MB; the connection is closed.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxServerEventBytes, length * 2));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>Closes the socket politely (bounded wait), then releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        var socket = _session.WebSocket;
        if (socket is { State: WebSocketState.Open or WebSocketState.CloseReceived })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer is gone already; nothing more to say to it.
            }
        }

        _session.Dispose();
    }
}
