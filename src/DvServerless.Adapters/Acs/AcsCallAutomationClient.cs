using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Acs;

/// <summary>
/// The ACS Call Automation REST client (api-version 2026-03-12, PROTOCOL.md §1) on an Azure.Core
/// <see cref="HttpPipeline"/>: retries and logging from <see cref="AcsCallAutomationClientOptions"/>, HMAC or Entra ID auth.
/// </summary>
public sealed class AcsCallAutomationClient : ICallAutomationClient
{
    /// <summary>The Entra ID scope of Communication Services (the double slash is part of it).</summary>
    public const string EntraScope = "https://communication.azure.com//.default";

    private const string ConnectionsPath = "/calling/callConnections";

    private readonly Uri _endpoint;
    private readonly HttpPipeline _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a client that signs requests with the connection string's access key.</summary>
    public AcsCallAutomationClient(AcsConnectionString connectionString, AcsCallAutomationClientOptions? options = null,
        TimeProvider? timeProvider = null, ILogger<AcsCallAutomationClient>? logger = null)
        : this(connectionString?.Endpoint!, new AcsHmacAuthenticationPolicy(connectionString!, timeProvider), options, timeProvider, logger, "HMAC")
    {
    }

    /// <summary>Creates a client that authenticates with an Entra ID token for <see cref="EntraScope"/>.</summary>
    public AcsCallAutomationClient(Uri endpoint, TokenCredential credential, AcsCallAutomationClientOptions? options = null,
        TimeProvider? timeProvider = null, ILogger<AcsCallAutomationClient>? logger = null)
        : this(endpoint, new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), EntraScope),
            options, timeProvider, logger, "Entra ID")
    {
    }

    private AcsCallAutomationClient(Uri endpoint, HttpPipelinePolicy authentication, AcsCallAutomationClientOptions? options,
        TimeProvider? timeProvider, ILogger? logger, string authMode)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
        {
            throw new ArgumentException("The ACS endpoint must use https (http is allowed only for a loopback endpoint such as the local simulator).", nameof(endpoint));
        }

        _endpoint = endpoint;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        options ??= new AcsCallAutomationClientOptions();
        // Read from Retry when the client is built (callers tune Retry after constructing the options).
        options.RetryPolicy ??= new AcsRetryPolicy(options.Retry.MaxRetries, options.Retry.Delay, options.Retry.MaxDelay, options.MaxRetryAfter);
        // The auth policy sits in the per-retry position so every attempt carries a fresh date and signature / token.
        _pipeline = HttpPipelineBuilder.Build(options, [], [authentication], new ResponseClassifier());
        AcsClientLog.ClientCreated(_logger, authMode, endpoint.Host);
    }

    /// <inheritdoc />
    public async Task<CallConnectionProperties> AnswerCallAsync(AnswerCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = WriteJson(writer =>
        {
            writer.WriteString("incomingCallContext", request.IncomingCallContext);
            writer.WriteString("callbackUri", request.CallbackUri.AbsoluteUri);
            WriteIfNotNull(writer, "operationContext", request.OperationContext);
            if (request.MediaTransportUrl is not null)
            {
                // Field order as js-sdk 1.6.0 sends it; transportType and audioChannelType are required by the spec.
                writer.WriteStartObject("mediaStreamingOptions");
                writer.WriteString("transportType", "websocket");
                writer.WriteString("audioChannelType", request.AudioChannelType);
                writer.WriteString("transportUrl", request.MediaTransportUrl.AbsoluteUri);
                writer.WriteString("contentType", "audio");
                writer.WriteBoolean("startMediaStreaming", request.StartMediaStreaming);
                writer.WriteBoolean("enableBidirectional", request.EnableBidirectional);
                writer.WriteString("audioFormat", request.AudioFormat);
                if (request.EnableDtmfTones is bool dtmf)
                {
                    writer.WriteBoolean("enableDtmfTones", dtmf);
                }

                writer.WriteEndObject();
            }
        });

        using var response = await SendAsync("answer", RequestMethod.Post, ConnectionsPath + ":answer", body, repeatable: true, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
        var properties = ReadProperties(response);
        AcsClientLog.CallAnswered(_logger, properties.CallConnectionId, properties.CallConnectionState);
        return properties;
    }

    /// <inheritdoc />
    public async Task RejectCallAsync(string incomingCallContext, CallRejectReason reason = CallRejectReason.None, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(incomingCallContext);
        var body = WriteJson(writer =>
        {
            writer.WriteString("incomingCallContext", incomingCallContext);
            writer.WriteString("callRejectReason", reason switch
            {
                CallRejectReason.Busy => "busy",
                CallRejectReason.Forbidden => "forbidden",
                _ => "none",
            });
        });
        using var response = await SendAsync("reject", RequestMethod.Post, ConnectionsPath + ":reject", body, repeatable: true, HttpStatusCode.NoContent, cancellationToken).ConfigureAwait(false);
        AcsClientLog.CallRejected(_logger, reason);
    }

    /// <inheritdoc />
    public async Task<CallConnectionProperties> GetCallAsync(string callConnectionId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("get call", RequestMethod.Get, ConnectionPath(callConnectionId, null), null, repeatable: false, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
        return ReadProperties(response);
    }

    /// <inheritdoc />
    public async Task HangUpAsync(string callConnectionId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("hang up", RequestMethod.Delete, ConnectionPath(callConnectionId, null), null, repeatable: false, HttpStatusCode.NoContent, cancellationToken).ConfigureAwait(false);
        AcsClientLog.OperationAccepted(_logger, "hang up", callConnectionId);
    }

    /// <inheritdoc />
    public async Task TerminateCallAsync(string callConnectionId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("terminate", RequestMethod.Post, ConnectionPath(callConnectionId, ":terminate"), null, repeatable: true, HttpStatusCode.NoContent, cancellationToken).ConfigureAwait(false);
        AcsClientLog.OperationAccepted(_logger, "terminate", callConnectionId);
    }

    /// <inheritdoc />
    public async Task PlayAsync(string callConnectionId, PlayRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind switch
        {
            "file" or "text" or "ssml" => request.Kind,
            _ => throw new ArgumentException($"Play source kind '{request.Kind}' is not one of file, text, ssml.", nameof(request)),
        };
        var body = WriteJson(writer =>
        {
            writer.WriteStartArray("playSources");
            writer.WriteStartObject();
            writer.WriteString("kind", kind);
            writer.WriteStartObject(kind);
            switch (kind)
            {
                case "file":
                    writer.WriteString("uri", request.Value);
                    break;
                case "text":
                    writer.WriteString("text", request.Value);
                    WriteIfNotNull(writer, "voiceName", request.VoiceName);
                    break;
                default:
                    writer.WriteString("ssmlText", request.Value);
                    break;
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            // An empty playTo plays to everyone, which is what js-sdk sends for play-to-all.
            writer.WriteStartArray("playTo");
            writer.WriteEndArray();
            writer.WriteStartObject("playOptions");
            writer.WriteBoolean("loop", request.Loop);
            writer.WriteEndObject();
            // Like the official SDK: a play always carries an operation context, so its PlayCompleted/Failed can be matched.
            writer.WriteString("operationContext", request.OperationContext ?? Guid.NewGuid().ToString());
        });
        using var response = await SendAsync("play", RequestMethod.Post, ConnectionPath(callConnectionId, ":play"), body, repeatable: false, HttpStatusCode.Accepted, cancellationToken).ConfigureAwait(false);
        AcsClientLog.OperationAccepted(_logger, "play", callConnectionId);
    }

    /// <inheritdoc />
    public Task StartMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default)
        => MediaStreamingAsync("start media streaming", callConnectionId, ":startMediaStreaming", operationContext, cancellationToken);

    /// <inheritdoc />
    public Task StopMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default)
        => MediaStreamingAsync("stop media streaming", callConnectionId, ":stopMediaStreaming", operationContext, cancellationToken);

    /// <inheritdoc />
    public async Task TransferToParticipantAsync(string callConnectionId, string targetRawId, string? operationContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetRawId);
        var body = WriteJson(writer =>
        {
            writer.WritePropertyName("targetParticipant");
            AcsIdentifiers.Write(writer, targetRawId);
            WriteIfNotNull(writer, "operationContext", operationContext);
        });
        using var response = await SendAsync("transfer", RequestMethod.Post, ConnectionPath(callConnectionId, ":transferToParticipant"), body, repeatable: true, HttpStatusCode.Accepted, cancellationToken).ConfigureAwait(false);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var maskedTarget = AcsIdentifiers.Mask(targetRawId);
            AcsClientLog.TransferAccepted(_logger, callConnectionId, maskedTarget);
        }
    }

    private async Task MediaStreamingAsync(string operation, string callConnectionId, string action, string? operationContext, CancellationToken cancellationToken)
    {
        var body = WriteJson(writer => WriteIfNotNull(writer, "operationContext", operationContext));
        using var response = await SendAsync(operation, RequestMethod.Post, ConnectionPath(callConnectionId, action), body, repeatable: false, HttpStatusCode.Accepted, cancellationToken).ConfigureAwait(false);
        AcsClientLog.OperationAccepted(_logger, operation, callConnectionId);
    }

    private static string ConnectionPath(string callConnectionId, string? action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callConnectionId);
        // The id is one path segment; the colon action is part of that segment, not a sub-path (PROTOCOL.md §1.2).
        return ConnectionsPath + "/" + Uri.EscapeDataString(callConnectionId) + action;
    }

    private async Task<Response> SendAsync(string operation, RequestMethod method, string path, byte[]? body, bool repeatable,
        HttpStatusCode success, CancellationToken cancellationToken)
    {
        using var request = _pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Uri.AppendQuery("api-version", AcsCallAutomationClientOptions.ApiVersion);
        request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");
        if (body is not null)
        {
            request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
            request.Content = RequestContent.Create(body);
        }
        else if (method == RequestMethod.Post)
        {
            // A bodiless POST (:terminate) must still say Content-Length: 0.
            request.Content = RequestContent.Create(Array.Empty<byte>());
        }

        if (repeatable)
        {
            // Set once per operation: the retry policy resends this same request object, so every attempt carries the
            // same pair, which is what lets ACS recognise the retry.
            request.Headers.SetValue("Repeatability-Request-ID", Guid.NewGuid().ToString("D"));
            request.Headers.SetValue("Repeatability-First-Sent", AcsRequestSigner.FormatDate(_timeProvider.GetUtcNow()));
        }

        // Responses are buffered by the pipeline, so the content can be read after the request is disposed.
        var response = await _pipeline.SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Status != (int)success)
        {
            using (response)
            {
                throw CreateFailure(operation, response);
            }
        }

        return response;
    }

    private AcsRequestFailedException CreateFailure(string operation, Response response)
    {
        string? code = null;
        string? text = null;
        try
        {
            if (response.ContentStream is not null)
            {
                using var document = JsonDocument.Parse(response.Content);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    text = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            // Not a CommunicationErrorResponse; the status alone is reported.
        }

        AcsClientLog.OperationFailed(_logger, operation, response.Status, code);
        return new AcsRequestFailedException(response.Status, code,
            text ?? $"{operation} failed{(string.IsNullOrEmpty(response.ReasonPhrase) ? string.Empty : " (" + response.ReasonPhrase + ")")}");
    }

    private static CallConnectionProperties ReadProperties(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content);
            var root = document.RootElement;
            var id = GetString(root, "callConnectionId");
            if (string.IsNullOrEmpty(id))
            {
                throw new AcsRequestFailedException(response.Status, null, "the response has no callConnectionId");
            }

            string? streamingState = null;
            if (root.TryGetProperty("mediaStreamingSubscription", out var subscription) && subscription.ValueKind == JsonValueKind.Object)
            {
                streamingState = GetString(subscription, "state");
            }

            return new CallConnectionProperties
            {
                CallConnectionId = id,
                ServerCallId = GetString(root, "serverCallId"),
                CallConnectionState = GetString(root, "callConnectionState"),
                CorrelationId = GetString(root, "correlationId"),
                CallbackUri = GetString(root, "callbackUri"),
                MediaStreamingState = streamingState,
            };
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw new AcsRequestFailedException(response.Status, null, "the response is not a CallConnectionProperties JSON object");
        }
    }

    private static string? GetString(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static byte[] WriteJson(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // js-sdk (JSON.stringify) does not escape '+' or '&'; the relaxed encoder keeps numbers and URLs readable.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
