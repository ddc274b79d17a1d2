using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// A protocol-faithful stand-in for Azure Communication Services Call Automation (PROTOCOL.md in specs/acs), on
/// Kestrel at 127.0.0.1: it verifies the HMAC of every REST request, validates bodies against the 2026-03-12 swagger,
/// posts JWT-signed CloudEvent callbacks, opens the bidirectional media WebSocket like ACS does and plays the app's
/// audio to a simulated caller in real time. Built independently of the project's ACS adapter so that it catches
/// the adapter's mistakes.
/// </summary>
public sealed class AcsSimulator : IAsyncDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private readonly WebApplication _app;
    private readonly AcsHmacVerifier _hmac;
    private readonly ConcurrentDictionary<string, SimulatedCall> _callsByContext = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedCall> _callsByConnection = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string FirstSent, int Status, string? Body, string? ErrorCode)> _repeatable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<AcsRecordedRequest> _requests = new();
    private readonly ConcurrentBag<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();

    private AcsSimulator(WebApplication app, AcsSimulatorOptions options, ILogger logger)
    {
        _app = app;
        Options = options;
        Logger = logger;
        _hmac = new AcsHmacVerifier(options.AccessKey, options.TimeProvider, options.MaxClockSkew);
        Tokens = new AcsCallbackTokenIssuer(options.Issuer, options.ResourceId, options.TimeProvider);
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        Topic = $"/subscriptions/{Guid.Empty}/resourceGroups/dvs-local/providers/Microsoft.Communication/communicationServices/{options.ResourceName}";
    }

    /// <summary>The base URL, ending in <c>/</c> (e.g. <c>http://127.0.0.1:7075/</c>).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>An ACS connection string for this simulator.</summary>
    public string ConnectionString => $"endpoint={BaseUrl};accesskey={Options.AccessKey}";

    /// <summary>The OpenID configuration URL validators fetch the signing keys through.</summary>
    public string OpenIdConfigurationUrl => BaseUrl + "calling/.well-known/acsopenidconfiguration";

    /// <summary>The settings in use.</summary>
    public AcsSimulatorOptions Options { get; }

    /// <summary>
    /// A fresh callback JWT exactly as the simulator puts on its callbacks (RS256, 5 minutes, issuer and audience from
    /// <see cref="Options"/>), for tests of callback authentication.
    /// </summary>
    public string IssueCallbackToken() => Tokens.CreateCallbackToken();

    /// <summary>Every REST request received so far, in order.</summary>
    public IReadOnlyList<AcsRecordedRequest> Requests => _requests.ToArray();

    /// <summary>Every call placed so far.</summary>
    public IReadOnlyCollection<SimulatedCall> Calls => _callsByContext.Values.ToArray();

    internal ILogger Logger { get; }

    internal AcsCallbackTokenIssuer Tokens { get; }

    internal HttpClient Http { get; }

    internal string Topic { get; }

    /// <summary>Starts the simulator on 127.0.0.1 (<see cref="AcsSimulatorOptions.Port"/>, 0 = any free port).</summary>
    public static async Task<AcsSimulator> StartAsync(AcsSimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = Convert.FromBase64String(options.AccessKey);
        }
        catch (FormatException)
        {
            throw new ArgumentException("AcsSimulatorOptions.AccessKey must be base64.", nameof(options));
        }

        if (!Guid.TryParse(options.ResourceId, out _))
        {
            throw new ArgumentException("AcsSimulatorOptions.ResourceId must be a GUID (the immutable resource id).", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        var app = builder.Build();
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AcsSimulator>();
        var simulator = new AcsSimulator(app, options, logger);
        app.MapGet("/calling/.well-known/acsopenidconfiguration", () => Results.Text(simulator.Tokens.OpenIdConfigurationJson(simulator.BaseUrl), "application/json"));
        app.MapGet("/calling/keys", () => Results.Text(simulator.Tokens.JwksJson(), "application/json"));
        app.Map("/calling/{**rest}", simulator.HandleRestAsync);
        app.MapFallback(context => WriteAsync(context, 404, AcsEventJson.Error("NotFound", "No such resource.")));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseUrl = "http://127.0.0.1:" + new Uri(address).Port.ToString(CultureInfo.InvariantCulture) + "/";
        AcsSimulatorLog.Listening(logger, simulator.BaseUrl);
        return simulator;
    }

    /// <summary>
    /// Places a call: delivers IncomingCall to <see cref="SimulatedCallRequest.IncomingCallUrl"/> and plays the caller
    /// once the app answers. Returns at once; await <see cref="SimulatedCall.Completion"/> for the outcome.
    /// </summary>
    public Task<SimulatedCall> PlaceCallAsync(SimulatedCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new SimulatedCall(this, request);
        _callsByContext[call.IncomingCallContext] = call;
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        _running.Add(Task.Run(async () =>
        {
            using (lifetime)
            {
                await call.RunAsync(lifetime.Token).ConfigureAwait(false);
            }
        }, CancellationToken.None));
        return Task.FromResult(call);
    }

    /// <summary>Finds a call by its call connection id.</summary>
    public SimulatedCall? FindCall(string callConnectionId) =>
        _callsByConnection.TryGetValue(callConnectionId, out var call) ? call : null;

    /// <summary>
    /// Sends an Event Grid validation handshake to <paramref name="endpoint"/> (PROTOCOL §4.2): the
    /// SubscriptionValidationEvent POST for the Event Grid schema, or the OPTIONS request for CloudEvents.
    /// </summary>
    public static async Task<SubscriptionValidationResult> SendSubscriptionValidationAsync(Uri endpoint, IncomingCallEventSchema schema,
        HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        var ownClient = client is null;
        client ??= new HttpClient(new SocketsHttpHandler { UseProxy = false });
        try
        {
            if (schema == IncomingCallEventSchema.CloudEvents)
            {
                using var options = new HttpRequestMessage(HttpMethod.Options, endpoint);
                options.Headers.TryAddWithoutValidation("WebHook-Request-Origin", "eventgrid.azure.net");
                options.Headers.TryAddWithoutValidation("WebHook-Request-Rate", "120");
                using var optionsResponse = await client.SendAsync(options, cancellationToken).ConfigureAwait(false);
                var origin = optionsResponse.Headers.TryGetValues("WebHook-Allowed-Origin", out var values) ? values.FirstOrDefault() : null;
                var optionsBody = await optionsResponse.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var allowed = optionsResponse.IsSuccessStatusCode && (origin == "*" || origin == "eventgrid.azure.net");
                return new SubscriptionValidationResult((int)optionsResponse.StatusCode, optionsBody, null, allowed, origin);
            }

            var code = Guid.NewGuid().ToString().ToUpperInvariant();
            var body = AcsEventJson.Write(writer =>
            {
                writer.WriteStartArray();
                writer.WriteStartObject();
                writer.WriteString("id", Guid.NewGuid().ToString());
                writer.WriteString("topic", $"/subscriptions/{Guid.Empty}/resourceGroups/dvs-local/providers/Microsoft.Communication/communicationServices/dvs-local-acs");
                writer.WriteString("subject", string.Empty);
                writer.WriteStartObject("data");
                writer.WriteString("validationCode", code);
                writer.WriteString("validationUrl", $"https://rp-eastus.eventgrid.azure.net:553/eventsubscriptions/dvs-incoming-call/validate?id={code}&t={DateTime.UtcNow:O}&apiVersion=2025-02-15&token=simulated");
                writer.WriteEndObject();
                writer.WriteString("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent");
                writer.WriteString("eventTime", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteString("metadataVersion", "1");
                writer.WriteString("dataVersion", "2");
                writer.WriteEndObject();
                writer.WriteEndArray();
            });
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            message.Headers.TryAddWithoutValidation("aeg-event-type", "SubscriptionValidation");
            message.Headers.TryAddWithoutValidation("aeg-subscription-name", "DVS-INCOMING-CALL");
            using var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var echoed = false;
            try
            {
                using var document = JsonDocument.Parse(text);
                echoed = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("validationResponse", out var responseCode)
                    && responseCode.ValueKind == JsonValueKind.String && responseCode.GetString() == code;
            }
            catch (JsonException)
            {
            }

            // Event Grid accepts only 200 (202 is not accepted) with the code echoed.
            return new SubscriptionValidationResult((int)response.StatusCode, text, code, response.StatusCode == HttpStatusCode.OK && echoed, null);
        }
        finally
        {
            if (ownClient)
            {
                client.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        try
        {
            await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Http.Dispose();
        Tokens.Dispose();
        _stopping.Dispose();

        // A call still running after the wait above is abandoned as it is; disposing its media source could fail it.
        foreach (var call in _callsByContext.Values.Where(c => c.Completion.IsCompleted))
        {
            call.Dispose();
        }
    }

    internal void RegisterConnection(string callConnectionId, SimulatedCall call) => _callsByConnection[callConnectionId] = call;

    private async Task HandleRestAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        byte[] body;
        try
        {
            using var stream = new MemoryStream();
            await request.Body.CopyToAsync(stream, context.RequestAborted).ConfigureAwait(false);
            body = stream.ToArray();
        }
        catch (BadHttpRequestException)
        {
            await WriteAsync(context, 413, AcsEventJson.Error("RequestEntityTooLarge", "The request body is too large.")).ConfigureAwait(false);
            return;
        }

        var (status, responseBody, errorCode, operation, connectionId) = Handle(context, rawTarget, body);
        var headers = request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new AcsRecordedRequest(Options.TimeProvider.GetUtcNow(), request.Method, rawTarget, operation, connectionId, headers,
            Encoding.UTF8.GetString(body), status, errorCode));
        if (errorCode is not null)
        {
            AcsSimulatorLog.Refused(Logger, request.Method, request.Path, status, errorCode, ErrorMessage(responseBody));
        }

        await WriteAsync(context, status, responseBody).ConfigureAwait(false);
    }

    private (int Status, string? Body, string? ErrorCode, string? Operation, string? ConnectionId) Handle(HttpContext context, string rawTarget, byte[] body)
    {
        var request = context.Request;
        var (operation, connectionId) = ParseRoute(request.Path.Value ?? string.Empty);

        var authorization = request.Headers.Authorization.ToString();
        string? authError;
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && Options.AcceptBearerTokens)
        {
            var token = authorization["Bearer ".Length..].Trim();
            authError = token.Length > 0 && (Options.BearerTokenValidator?.Invoke(token) ?? true) ? null : "The bearer token is not valid.";
        }
        else
        {
            authError = _hmac.Verify(request.Method, rawTarget, request.Headers.Host.ToString(), authorization,
                request.Headers["x-ms-date"].ToString(), request.Headers["x-ms-content-sha256"].ToString(), body);
        }

        if (authError is not null)
        {
            return Fail(401, "Unauthorized", authError);
        }

        var apiVersions = request.Query["api-version"];
        if (apiVersions.Count != 1 || apiVersions[0] != AcsEventJson.ApiVersion)
        {
            return Fail(400, "BadRequest", $"The query parameter api-version={AcsEventJson.ApiVersion} is required.");
        }

        var requestId = request.Headers["Repeatability-Request-ID"].ToString();
        var firstSent = request.Headers["Repeatability-First-Sent"].ToString();
        if (requestId.Length > 0)
        {
            if (!Guid.TryParse(requestId, out _))
            {
                return Fail(400, "BadRequest", "Repeatability-Request-ID must be a UUID.");
            }

            if (!DateTimeOffset.TryParseExact(firstSent, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                return Fail(400, "BadRequest", "Repeatability-First-Sent must accompany Repeatability-Request-ID as an IMF-fixdate.");
            }

            if (_repeatable.TryGetValue(requestId, out var earlier) && earlier.FirstSent == firstSent)
            {
                // A retry: the first result, without doing it again.
                return (earlier.Status, earlier.Body, earlier.ErrorCode, operation, connectionId);
            }
        }

        (int Status, string? Body, string? ErrorCode) result;
        try
        {
            result = Execute(request.Method, operation, connectionId, body);
        }
        catch (JsonException exception)
        {
            result = (400, AcsEventJson.Error("BadRequest", "The body is not valid JSON: " + exception.Message), "BadRequest");
        }

        if (requestId.Length > 0)
        {
            _repeatable.TryAdd(requestId, (firstSent, result.Status, result.Body, result.ErrorCode));
        }

        return (result.Status, result.Body, result.ErrorCode, operation, connectionId);

        (int, string?, string?, string?, string?) Fail(int status, string code, string message) =>
            (status, AcsEventJson.Error(code, message), code, operation, connectionId);
    }

    private (int Status, string? Body, string? ErrorCode) Execute(string method, string? operation, string? connectionId, byte[] body)
    {
        if (operation is null)
        {
            return Error(404, "NotFound", "No such Call Automation resource.");
        }

        if (operation.Length == 0)
        {
            // The bare call connection: GET reads it, DELETE hangs up (leaves) the call.
            operation = method.ToUpperInvariant() switch
            {
                "GET" => "get",
                "DELETE" => "hangUp",
                _ => "unsupported",
            };
        }

        var expectedMethod = operation switch
        {
            "get" => "GET",
            "hangUp" => "DELETE",
            "unsupported" => "GET or DELETE",
            _ => "POST",
        };
        if (!string.Equals(method, expectedMethod, StringComparison.OrdinalIgnoreCase))
        {
            return Error(405, "MethodNotAllowed", $"Use {expectedMethod} for this resource.");
        }

        if (connectionId is null)
        {
            return operation switch
            {
                "answer" => Answer(body),
                "reject" or "redirect" => Refuse(operation, body),
                _ => Error(501, "NotImplemented", $"The simulator does not implement '{operation}'."),
            };
        }

        if (!_callsByConnection.TryGetValue(connectionId, out var call))
        {
            return Error(404, "NotFound", "The call connection was not found.");
        }

        switch (operation)
        {
            case "get":
                return call.GetProperties();
            case "hangUp":
            case "terminate":
                return call.HangUpByApp();
            case "cancelAllMediaOperations":
                return call.CancelAllMediaOperations();
            case "startMediaStreaming":
            case "stopMediaStreaming":
            {
                if (AcsRequestValidator.ParseOptionalObject(body, ["operationContext", "operationCallbackUri"]) is { } error)
                {
                    return Error(400, "BadRequest", error);
                }

                return operation == "startMediaStreaming" ? call.StartMediaStreaming() : call.StopMediaStreaming();
            }

            case "play":
            {
                var (error, operationContext) = AcsRequestValidator.ValidatePlay(body);
                return error is not null ? Error(400, "BadRequest", error) : call.Play(Encoding.UTF8.GetString(body), operationContext);
            }

            case "transferToParticipant":
            {
                var (error, target, operationContext) = AcsRequestValidator.ValidateTransfer(body);
                return error is not null ? Error(400, "BadRequest", error) : call.Transfer(target!, operationContext);
            }

            default:
                return Error(501, "NotImplemented", $"The simulator does not implement '{operation}'.");
        }
    }

    private (int Status, string? Body, string? ErrorCode) Answer(byte[] body)
    {
        var (error, settings, context) = AcsRequestValidator.ValidateAnswer(body);
        if (error is not null)
        {
            return Error(400, "BadRequest", error);
        }

        return _callsByContext.TryGetValue(context!, out var call)
            ? call.Answer(settings!)
            : Error(404, "NotFound", "The incoming call context was not found; it may have expired.");
    }

    private (int Status, string? Body, string? ErrorCode) Refuse(string operation, byte[] body)
    {
        var (error, context, target) = AcsRequestValidator.ValidateRejectOrRedirect(body, redirect: operation == "redirect");
        if (error is not null)
        {
            return Error(400, "BadRequest", error);
        }

        return _callsByContext.TryGetValue(context!, out var call)
            ? call.Refuse(operation == "redirect", target)
            : Error(404, "NotFound", "The incoming call context was not found; it may have expired.");
    }

    /// <summary>
    /// Splits <c>/calling/callConnections:answer</c>, <c>/calling/callConnections/{id}</c> and
    /// <c>/calling/callConnections/{id}:action</c>: the colon actions are part of the last path segment.
    /// </summary>
    private static (string? Operation, string? ConnectionId) ParseRoute(string path)
    {
        const string Prefix = "/calling/callConnections";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (null, null);
        }

        var rest = path[Prefix.Length..];
        if (rest.Length == 0)
        {
            return ("create", null);
        }

        if (rest[0] == ':')
        {
            return (rest[1..], null);
        }

        if (rest[0] != '/' || rest.Length == 1)
        {
            return (null, null);
        }

        rest = rest[1..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            // participants and other sub-resources exist in the spec but are not simulated.
            return (rest[(slash + 1)..], rest[..slash]);
        }

        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (string.Empty, rest) : (rest[(colon + 1)..], rest[..colon]);
    }

    private static (int, string?, string?) Error(int status, string code, string message) => (status, AcsEventJson.Error(code, message), code);

    private static string ErrorMessage(string? body)
    {
        try
        {
            using var document = JsonDocument.Parse(body ?? "{}");
            return document.RootElement.GetProperty("error").GetProperty("message").GetString() ?? string.Empty;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static Task WriteAsync(HttpContext context, int status, string? body)
    {
        context.Response.StatusCode = status;
        if (body is null)
        {
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }
}
