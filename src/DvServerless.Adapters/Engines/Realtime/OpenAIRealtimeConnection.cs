using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using OpenAI.Realtime;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// The one place that touches the official OpenAI realtime client (NuGet <c>OpenAI</c> 2.15.0, experimental OPENAI002).
/// It owns the WebSocket handshake (URL <c>{base}/realtime?model=…</c>, Bearer from an <see cref="ApiKeyCredential"/>,
/// the <c>realtime</c> subprotocol, no <c>OpenAI-Beta</c>); frames go through its raw
/// <c>SendCommandAsync(BinaryData)</c> / <c>ReceiveUpdatesAsync(RequestOptions)</c> so that the GA JSON on the wire is
/// exactly ours and unknown server events reach our own lenient parser.
/// </summary>
internal sealed class OpenAIRealtimeConnection : IAsyncDisposable
{
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
    public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        _session.SendCommandAsync(new BinaryData(json), new RequestOptions { CancellationToken = cancellationToken });

    /// <summary>Every server frame as raw JSON, until the socket closes.</summary>
    public async IAsyncEnumerable<BinaryData> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in _session.ReceiveUpdatesAsync(new RequestOptions { CancellationToken = cancellationToken })
                           .ConfigureAwait(false))
        {
            yield return result.GetRawResponse().Content;
        }
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
