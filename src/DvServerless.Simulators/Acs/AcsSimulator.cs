using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using DvServerless.Core.Calls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
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
    private readonly AcsRestEndpoint _rest;
    private readonly ConcurrentDictionary<string, SimulatedCall> _callsByContext = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedCall> _callsByConnection = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentBag<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();

    private AcsSimulator(WebApplication app, AcsSimulatorOptions options, ILogger logger)
    {
        _app = app;
        Options = options;
        Logger = logger;
        Tokens = new AcsCallbackTokenIssuer(options.Issuer, options.ResourceId, options.TimeProvider);
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        _rest = new AcsRestEndpoint(this);
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
    public IReadOnlyList<AcsRecordedRequest> Requests => _rest.Requests;

    /// <summary>
    /// The REST faults to inject: e.g. <c>RestFaults.Add(new RestFault("answer", 429, count: 2, retryAfter: TimeSpan.FromSeconds(1)))</c>
    /// answers the next two <c>:answer</c> requests 429 with <c>Retry-After: 1</c>. Its <see cref="Faults.RestFaultPlan.Requests"/>
    /// records every Call Automation request with its arrival time.
    /// </summary>
    public Faults.RestFaultPlan RestFaults => _rest.Faults;

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
        app.Map("/calling/{**rest}", simulator._rest.HandleAsync);
        app.MapFallback(context => AcsRestEndpoint.WriteAsync(context, 404, AcsEventJson.Error("NotFound", "No such resource.")));
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
        if (request.Keypresses.FirstOrDefault(k => !DtmfKey.IsKey(k.Key)) is { } bad)
        {
            throw new ArgumentException($"'{bad.Key}' is not a keypad key (0-9, *, #, A-D).", nameof(request));
        }

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
    public static Task<SubscriptionValidationResult> SendSubscriptionValidationAsync(Uri endpoint, IncomingCallEventSchema schema,
        HttpClient? client = null, CancellationToken cancellationToken = default) =>
        EventGridValidationSender.SendAsync(endpoint, schema, client, cancellationToken);

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

    /// <summary>The call whose IncomingCall carried <paramref name="incomingCallContext"/>, if any.</summary>
    internal SimulatedCall? FindIncomingCall(string incomingCallContext) =>
        _callsByContext.TryGetValue(incomingCallContext, out var call) ? call : null;
}
