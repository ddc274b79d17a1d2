using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DvServerless.Simulators.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// The simulator's Call Automation REST surface: authenticates each request (HMAC, or a bearer token when allowed),
/// requires the api-version, honours Repeatability-Request-ID retries, records the request, validates the body against
/// the swagger and hands the operation to the <see cref="SimulatedCall"/> it names. Requests the <see cref="Faults"/> plan
/// matches are answered with its 429/5xx (a <c>CommunicationErrorResponse</c>) before anything is done.
/// </summary>
internal sealed class AcsRestEndpoint
{
    private readonly AcsSimulator _simulator;
    private readonly AcsHmacVerifier _hmac;
    private readonly ConcurrentDictionary<string, (string FirstSent, int Status, string? Body, string? ErrorCode)> _repeatable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<AcsRecordedRequest> _requests = new();

    public AcsRestEndpoint(AcsSimulator simulator)
    {
        _simulator = simulator;
        var options = simulator.Options;
        _hmac = new AcsHmacVerifier(options.AccessKey, options.TimeProvider, options.MaxClockSkew);
        Faults = new RestFaultPlan(options.TimeProvider);
    }

    /// <summary>The REST faults to inject (see <see cref="AcsSimulator.RestFaults"/>).</summary>
    public RestFaultPlan Faults { get; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<AcsRecordedRequest> Requests => _requests.ToArray();

    /// <summary>Handles one request under <c>/calling/</c>: verifies, records and executes it, and writes the response.</summary>
    public async Task HandleAsync(HttpContext context)
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
        _requests.Enqueue(new AcsRecordedRequest(_simulator.Options.TimeProvider.GetUtcNow(), request.Method, rawTarget, operation, connectionId, headers,
            Encoding.UTF8.GetString(body), status, errorCode));
        if (errorCode is not null)
        {
            AcsSimulatorLog.Refused(_simulator.Logger, request.Method, request.Path, status, errorCode, ErrorMessage(responseBody));
        }

        await WriteAsync(context, status, responseBody).ConfigureAwait(false);
    }

    private (int Status, string? Body, string? ErrorCode, string? Operation, string? ConnectionId) Handle(HttpContext context, string rawTarget, byte[] body)
    {
        var request = context.Request;
        var (operation, connectionId) = AcsCallAutomationRoute.Parse(request.Path.Value ?? string.Empty);

        var authorization = request.Headers.Authorization.ToString();
        string? authError;
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _simulator.Options.AcceptBearerTokens)
        {
            var token = authorization["Bearer ".Length..].Trim();
            authError = token.Length > 0 && (_simulator.Options.BearerTokenValidator?.Invoke(token) ?? true) ? null : "The bearer token is not valid.";
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

        // Throttling and outages come before the service acts or remembers a Repeatability-Request-ID: the client's retry
        // of the same request must be served afresh, as ACS does.
        var faultOperation = FaultOperation(request.Method, operation);
        if (Faults.Check(faultOperation) is { } fault)
        {
            RestFaultLog.Injected(_simulator.Logger, faultOperation, fault);
            foreach (var (name, value) in fault.Headers)
            {
                context.Response.Headers[name] = value;
            }

            return Fail(fault.StatusCode, FaultCode(fault.StatusCode), $"Injected fault: the service answered {fault.StatusCode}.");
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

        if (_simulator.FindCall(connectionId) is not { } call)
        {
            return Error(404, "NotFound", "The call connection was not found.");
        }

        switch (operation)
        {
            case "get":
                return call.Operations.GetProperties();
            case "hangUp":
            case "terminate":
                return call.Operations.HangUp();
            case "cancelAllMediaOperations":
                return call.Operations.CancelAllMediaOperations();
            case "startMediaStreaming":
            case "stopMediaStreaming":
            {
                if (AcsRequestValidator.ParseOptionalObject(body, ["operationContext", "operationCallbackUri"]) is { } error)
                {
                    return Error(400, "BadRequest", error);
                }

                return operation == "startMediaStreaming" ? call.Media.Start() : call.Media.Stop();
            }

            case "play":
            {
                var (error, operationContext) = AcsRequestValidator.ValidatePlay(body);
                return error is not null ? Error(400, "BadRequest", error) : call.Operations.Play(Encoding.UTF8.GetString(body), operationContext);
            }

            case "transferToParticipant":
            {
                var (error, target, operationContext) = AcsRequestValidator.ValidateTransfer(body);
                return error is not null ? Error(400, "BadRequest", error) : call.Operations.Transfer(target!, operationContext);
            }

            default:
                return Error(501, "NotImplemented", $"The simulator does not implement '{operation}'.");
        }
    }

    // The names a fault plan matches: the colon action, or for the bare call connection what its method does.
    private static string FaultOperation(string method, string? operation) => operation switch
    {
        null => "unknown",
        "" => HttpMethods.IsDelete(method) ? "hangUp" : HttpMethods.IsGet(method) ? "get" : "unsupported",
        _ => operation,
    };

    // CommunicationError codes as the service's gateway spells them for these statuses.
    private static string FaultCode(int status) => status switch
    {
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "ServerError",
    };

    private (int Status, string? Body, string? ErrorCode) Answer(byte[] body)
    {
        var (error, settings, context) = AcsRequestValidator.ValidateAnswer(body);
        if (error is not null)
        {
            return Error(400, "BadRequest", error);
        }

        return _simulator.FindIncomingCall(context!) is { } call
            ? call.Operations.Answer(settings!)
            : Error(404, "NotFound", "The incoming call context was not found; it may have expired.");
    }

    private (int Status, string? Body, string? ErrorCode) Refuse(string operation, byte[] body)
    {
        var (error, context, target) = AcsRequestValidator.ValidateRejectOrRedirect(body, redirect: operation == "redirect");
        if (error is not null)
        {
            return Error(400, "BadRequest", error);
        }

        return _simulator.FindIncomingCall(context!) is { } call
            ? call.Operations.Refuse(operation == "redirect", target)
            : Error(404, "NotFound", "The incoming call context was not found; it may have expired.");
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

    /// <summary>Writes <paramref name="body"/> (JSON, or nothing) with <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, string? body)
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
