using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Audio;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Speech.OpenAI;

/// <summary>
/// Speech-to-text over an OpenAI Realtime transcription session (<c>/realtime?intent=transcription</c>, then
/// <c>session.update</c> with <c>type: "transcription"</c>): PCM 24 kHz in, server VAD for endpointing. It connects and
/// authenticates exactly as the Realtime engine does (OpenAI key, Azure OpenAI key or Entra token, or the local
/// simulator), from the same settings.
/// </summary>
public sealed class RealtimeTranscriptionSpeechToText : ISpeechToText
{
    private readonly RealtimeEngineOptions _endpoint;
    private readonly RealtimeTranscriptionOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<RealtimeTranscriptionSpeechToText> _logger;

    /// <summary>Creates the provider.</summary>
    public RealtimeTranscriptionSpeechToText(
        IOptions<RealtimeEngineOptions> endpoint, IOptions<RealtimeTranscriptionOptions> settings, TimeProvider time,
        ILogger<RealtimeTranscriptionSpeechToText> logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(settings);
        _endpoint = endpoint.Value;
        _settings = settings.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Provider => "openai";

    /// <inheritdoc />
    public AudioFormat InputFormat => AudioFormat.Pcm24k;

    /// <inheritdoc />
    public async Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_endpoint.Validate() is { } problem)
        {
            throw new SpeechToTextException(Provider, problem);
        }

        var model = string.IsNullOrWhiteSpace(options.Model) ? _settings.Model : options.Model;
        var baseUrl = _endpoint.EffectiveBaseUrl;
        RealtimeTranscriptionLog.Connecting(_logger, options.CallId, baseUrl.Host, model);
        using var timeout = new CancellationTokenSource(_settings.SessionStartTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        OpenAIRealtimeConnection? connection = null;
        try
        {
            var (bearer, azureKey) = await _endpoint.ResolveCredentialsAsync(linked.Token).ConfigureAwait(false);
            connection = await OpenAIRealtimeConnection.ConnectTranscriptionAsync(baseUrl, bearer, azureKey, linked.Token).ConfigureAwait(false);
            // From here the session owns the connection and closes it if the start fails.
            var owned = connection;
            connection = null;
            return await RealtimeTranscriptionSession.StartAsync(owned, model, options, _settings, _time, _logger, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"The transcription session was not ready within {_settings.SessionStartTimeout.TotalSeconds:0.#} s.";
            RealtimeTranscriptionLog.StartFailed(_logger, options.CallId, message);
            throw new SpeechToTextException(Provider, message, ex);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or SpeechToTextException))
        {
            RealtimeTranscriptionLog.StartFailed(_logger, options.CallId, ex.Message);
            throw new SpeechToTextException(Provider, "The transcription session could not be opened: " + ex.Message, ex);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
