using System.Net;
using DvServerless.Simulators.Faults;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// A stand-in for the OpenAI Realtime API (GA protocol) on 127.0.0.1: WebSocket sessions at <c>/v1/realtime</c> and
/// <c>/openai/v1/realtime</c> that speak the GA event protocol, detect the caller's turns with an energy VAD, take the
/// caller's words from a script and answer with paced, speech-like agent audio. Used by <c>dvs call</c> and the
/// end-to-end tests; it shares no protocol code with the project's Realtime client.
/// </summary>
public sealed partial class RealtimeSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown;
    private readonly RealtimeSimulatorOptions _options;
    private readonly SipCallRegistry _sipCalls;

    private RealtimeSimulator(
        WebApplication app, CancellationTokenSource shutdown, RealtimeSimulatorRecords records, int port,
        RealtimeSimulatorOptions options, SipCallRegistry sipCalls, RestFaultPlan restFaults)
    {
        RestFaults = restFaults;
        _app = app;
        _shutdown = shutdown;
        _options = options;
        _sipCalls = sipCalls;
        Records = records;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The OpenAI-style base URL (<c>http://127.0.0.1:PORT/v1</c>); the WebSocket is at <c>ws://…/v1/realtime</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The Azure-style base URL (<c>http://127.0.0.1:PORT/openai/v1</c>).</summary>
    public string AzureBaseUrl => $"http://127.0.0.1:{Port}/openai/v1";

    /// <summary>
    /// The REST faults to inject on the SIP call-control operations (<c>accept</c>, <c>reject</c>, <c>refer</c>,
    /// <c>hangup</c>) and <c>client_secrets</c>: e.g. <c>RestFaults.Add(RestFault.Always("client_secrets", 503))</c>. Its
    /// <see cref="RestFaultPlan.Requests"/> records every such request with its arrival time.
    /// </summary>
    public RestFaultPlan RestFaults { get; }

    /// <summary>What the simulator saw and did.</summary>
    public RealtimeSimulatorRecords Records { get; }

    /// <summary>Validates <paramref name="options"/>, starts listening and returns once connections are accepted.</summary>
    public static async Task<RealtimeSimulator> StartAsync(RealtimeSimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<RealtimeSimulator>();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(RealtimeSimulator).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var records = new RealtimeSimulatorRecords();
        var shutdown = new CancellationTokenSource();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var sipCalls = new SipCallRegistry();
        var restFaults = new RestFaultPlan(options.TimeProvider);
        RequestDelegate handler = context => HandleAsync(context, options, records, sipCalls, logger, shutdown.Token);
        app.MapGet("/v1/realtime", handler);
        app.MapGet("/openai/v1/realtime", handler);
        RequestDelegate callControl = context => SipCallControlEndpoint.HandleAsync(context, options, sipCalls, restFaults, logger);
        app.MapPost("/v1/realtime/calls/{call_id}/{operation}", callControl);
        app.MapPost("/openai/v1/realtime/calls/{call_id}/{operation}", callControl);
        RequestDelegate clientSecrets = context => RealtimeClientSecretsEndpoint.HandleAsync(context, options, records, restFaults, logger);
        app.MapPost("/v1/realtime/client_secrets", clientSecrets);
        app.MapPost("/openai/v1/realtime/client_secrets", clientSecrets);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var simulator = new RealtimeSimulator(app, shutdown, records, new Uri(address).Port, options, sipCalls, restFaults);
        RealtimeSimulatorLog.Listening(logger, simulator.BaseUrl);
        return simulator;
    }

    /// <summary>Closes every session and stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        _webhooks.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _shutdown.Dispose();
        }
    }

    private static async Task HandleAsync(
        HttpContext context, RealtimeSimulatorOptions options, RealtimeSimulatorRecords records, SipCallRegistry sipCalls,
        ILogger logger, CancellationToken shutdown)
    {
        var request = context.Request;
        var offeredProtocols = context.WebSockets.WebSocketRequestedProtocols;
        if (!await RealtimeHttpReplies.AuthenticateAsync(context, options, logger, offeredProtocols).ConfigureAwait(false))
        {
            return;
        }

        var model = request.Query["model"].ToString();
        var callId = request.Query["call_id"].ToString();
        var intent = request.Query["intent"].ToString();
        var selectors = (model.Length > 0 ? 1 : 0) + (callId.Length > 0 ? 1 : 0) + (intent.Length > 0 ? 1 : 0);
        if (selectors != 1)
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status400BadRequest, "invalid_request",
                "Specify exactly one of the query parameters 'model', 'call_id' or 'intent=transcription'.").ConfigureAwait(false);
            return;
        }

        if (intent.Length > 0 && intent != "transcription")
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status400BadRequest, "invalid_value",
                $"Invalid value for 'intent': '{intent}'. Supported values are: 'transcription'.").ConfigureAwait(false);
            return;
        }

        SipCall? sipCall = null;
        if (callId.Length > 0)
        {
            // Sideband sessions attach to a SIP call that the app accepted and that is still connected.
            sipCall = sipCalls.Find(callId);
            if (sipCall is not { IsAccepted: true })
            {
                await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status404NotFound, "not_found", "Call not found.").ConfigureAwait(false);
                return;
            }
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status426UpgradeRequired, null, "This endpoint requires a WebSocket upgrade.").ConfigureAwait(false);
            return;
        }

        var subProtocol = offeredProtocols.Contains("realtime") ? "realtime" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol).ConfigureAwait(false);
        if (sipCall is not null)
        {
            await RunSidebandAsync(socket, sipCall, options, records, logger, shutdown).ConfigureAwait(false);
            return;
        }

        var session = new RealtimeSimulatorSession(
            socket, options, records, model.Length > 0 ? model : options.DefaultModel, null, intent.Length > 0, logger, shutdown)
        {
            // A drop ends the TCP stream under the WebSocket (ConnectionDrop).
            Transport = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket,
        };
        await session.RunAsync().ConfigureAwait(false);
    }
}
