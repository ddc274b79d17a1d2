using System.Net.WebSockets;
using DvServerless.Core.Audio;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>
/// Deepgram streaming speech-to-text over its <c>/v1/listen</c> WebSocket: linear16 16 kHz mono in, <c>Results</c>,
/// <c>SpeechStarted</c> and <c>UtteranceEnd</c> out, authenticated with <c>Authorization: Token {key}</c>.
/// </summary>
public sealed class DeepgramSpeechToText : ISpeechToText
{
    private readonly DeepgramOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeepgramSpeechToText> _logger;

    /// <summary>Creates the provider.</summary>
    public DeepgramSpeechToText(IOptions<DeepgramOptions> options, TimeProvider time, ILogger<DeepgramSpeechToText> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Provider => "deepgram";

    /// <inheritdoc />
    public AudioFormat InputFormat => AudioFormat.Pcm16k;

    /// <inheritdoc />
    public async Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!_options.IsConfigured)
        {
            throw new SpeechToTextException(Provider, "Deepgram is not configured: set Deepgram__ApiKey.");
        }

        var model = string.IsNullOrWhiteSpace(options.Model) ? _options.Model : options.Model;
        var url = DeepgramListenQuery.Build(_options.BaseUrl, model, options);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Token " + _options.ApiKey);
        // Keeps the status and Deepgram's dg-error header of a refused handshake for the error message.
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            var status = (int)socket.HttpStatusCode;
            var reason = socket.HttpResponseHeaders?.TryGetValue("dg-error", out var values) == true ? string.Join(' ', values) : ex.Message;
            socket.Dispose();
            DeepgramLog.Refused(_logger, options.CallId, status, reason);
            throw new SpeechToTextException(Provider, status > 0
                ? $"Deepgram refused the stream with HTTP {status}: {reason}"
                : $"Deepgram is unreachable: {reason}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SpeechToTextException(Provider, $"Deepgram did not answer within {_options.ConnectTimeout.TotalSeconds:0} s.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        DeepgramLog.Connected(_logger, options.CallId, url.Host, model);
        return new DeepgramRecognition(socket, options.CallId, options.InterimResults, _time, _options.KeepAliveInterval, _logger);
    }
}
