using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// A tool configured under <c>Agent:Tools:{name}</c>: POSTs the model's arguments as JSON to the tool's URL, signed
/// (<see cref="HttpToolSignature"/>) and with the tool call's id as <c>Idempotency-Key</c> (the resilience pipeline may
/// retry), and returns the response body to the model. A timeout, an error status or an unreachable server becomes an
/// error output the model can talk about; the call goes on.
/// </summary>
public sealed partial class HttpToolHandler : ICallToolHandler
{
    /// <summary>The <see cref="IHttpClientFactory"/> client every HTTP tool uses.</summary>
    public const string HttpClientName = "http-tools";

    /// <summary>The largest response body handed to the model; a longer one is an error (it would flood the model's context).</summary>
    public const int MaxResponseChars = 16 * 1024;

    private readonly HttpToolOptions _options;
    private readonly Uri _url;
    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the tool <paramref name="name"/> from its validated <paramref name="options"/>.</summary>
    public HttpToolHandler(string name, HttpToolOptions options, IHttpClientFactory clients, TimeProvider timeProvider, ILogger<HttpToolHandler> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        _options = options;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _clients = clients;
        _time = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public AgentTool Definition
    {
        get
        {
            var tool = new AgentTool { Name = Name, Description = _options.Description };
            if (!string.IsNullOrWhiteSpace(_options.ParametersJsonSchema))
            {
                tool.ParametersJsonSchema = _options.ParametersJsonSchema;
            }

            return tool;
        }
    }

    /// <inheritdoc />
    public ToolFiller? Filler => string.IsNullOrWhiteSpace(_options.Filler) ? null : new ToolFiller(_options.Filler.Trim(), _options.FillerAfter);

    /// <inheritdoc />
    /// <remarks>Without a tool call id, each run gets a fresh idempotency key.</remarks>
    public ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken) =>
        InvokeAsync(callId, new ToolCallRequested("dvs-" + Guid.NewGuid().ToString("N"), Name, argumentsJson), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<CallToolResult> InvokeAsync(string callId, ToolCallRequested toolCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(toolCall);
        if (Body(toolCall.ArgumentsJson) is not { } body)
        {
            LogBadArguments(callId, Name);
            return Error("the arguments were not a JSON object; call the tool again with valid arguments");
        }

        var started = _time.GetTimestamp();
        // The tool's whole time, retries included, on the worker's clock.
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(HttpToolSignature.HeaderName, HttpToolSignature.Create(_options.Secret!, _time.GetUtcNow(), body));
            request.Headers.Add("Idempotency-Key", toolCall.CallId);
            using var response = await _clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                LogErrorStatus(callId, Name, status, elapsedMs);
                return Error($"the {Name} service answered HTTP {status.ToString(CultureInfo.InvariantCulture)}");
            }

            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (text.Length > MaxResponseChars)
            {
                LogTooLarge(callId, Name, text.Length);
                return Error($"the {Name} service answered with more than {MaxResponseChars.ToString(CultureInfo.InvariantCulture)} characters");
            }

            LogAnswered(callId, Name, status, elapsedMs);
            return new CallToolResult(string.IsNullOrWhiteSpace(text) ? "{\"ok\":true}" : text);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(callId, Name, _options.Timeout);
            return Error($"the {Name} service did not answer within {_options.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(callId, Name, ex.Message);
            return Error($"the {Name} service could not be reached");
        }
    }

    /// <summary>The arguments as UTF-8 JSON bytes (an empty object for none), or null when they are not a JSON object.</summary>
    private static byte[]? Body(string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return "{}"u8.ToArray();
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Encoding.UTF8.GetBytes(argumentsJson) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CallToolResult Error(string message) =>
        new(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message + "; tell the caller and offer to help another way" }), Failed: true);

    [LoggerMessage(EventId = 8800, Level = LogLevel.Information, Message = "Call {CallId}: tool {Tool} answered HTTP {Status} in {ElapsedMs:0} ms")]
    private partial void LogAnswered(string callId, string tool, int status, double elapsedMs);

    [LoggerMessage(EventId = 8801, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} answered HTTP {Status} in {ElapsedMs:0} ms")]
    private partial void LogErrorStatus(string callId, string tool, int status, double elapsedMs);

    [LoggerMessage(EventId = 8802, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} did not answer within {Timeout}")]
    private partial void LogTimedOut(string callId, string tool, TimeSpan timeout);

    [LoggerMessage(EventId = 8803, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} could not be reached: {Reason}")]
    private partial void LogUnreachable(string callId, string tool, string reason);

    [LoggerMessage(EventId = 8804, Level = LogLevel.Warning, Message = "Call {CallId}: the model called tool {Tool} with arguments that are not a JSON object")]
    private partial void LogBadArguments(string callId, string tool);

    [LoggerMessage(EventId = 8805, Level = LogLevel.Warning, Message = "Call {CallId}: tool {Tool} answered {Chars} characters, more than the model is given")]
    private partial void LogTooLarge(string callId, string tool, int chars);
}
