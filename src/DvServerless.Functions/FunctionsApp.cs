using System.Globalization;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Live;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Functions.CallActions;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Live;
using DvServerless.Functions.Records;
using DvServerless.Functions.Sessions;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Telemetry;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.Tts;
using DvServerless.Functions.BrowserSessions;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Voices;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions;

/// <summary>
/// Composes the Functions app for both hosts from one set of registrations and one route table
/// (<see cref="FunctionRouteTable"/>): under the Functions host, the .NET isolated worker with ASP.NET Core integration
/// (<see cref="BuildForFunctionsHost"/>); without it, the same functions on Kestrel (<see cref="Build"/>). With no
/// configuration at all it runs against the local defaults (Azurite, the ACS simulator, the media worker on its default port).
/// </summary>
public static class FunctionsApp
{
    // Read on first use: only the standalone host maps them; under the Functions host (30 s start-up budget on Flex) the
    // worker's generated metadata does that job and this reflection would be wasted.
    private static readonly Lazy<IReadOnlyList<HttpFunctionRoute>> RouteTable = new(() => FunctionRouteTable.Read(typeof(FunctionsApp).Assembly));

    /// <summary>The app's HTTP functions.</summary>
    public static IReadOnlyList<HttpFunctionRoute> Routes => RouteTable.Value;

    /// <summary>
    /// Builds the standalone app; <paramref name="configure"/> runs after the app's own registrations (tests swap in fakes
    /// there). Listens on <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (kept for older scripts), else <c>ASPNETCORE_URLS</c> /
    /// <c>--urls</c>, else <c>http://127.0.0.1:7071</c>.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        ConfigureListening(builder);

        // The request log line carries the full URL, and with it ?code=<function key>; keep it out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        AddServices(builder.Services, builder.Configuration, FunctionsHostingMode.Standalone);
        builder.Services.AddFunctionsOpenApi();
        AddStandaloneCors(builder);
        configure?.Invoke(builder);
        // Last, so the store in use (a test's replacement too) is the one that publishes live events.
        builder.Services.DecorateCallSessionStoreWithLiveEvents();
        // After configure: the exporters follow the final configuration, settings a host or test added included.
        builder.Services.AddFunctionsTelemetry(builder.Configuration);

        var app = builder.Build();
        // Under the Functions host the platform answers CORS (bicep/functions.bicep); standalone, the app does.
        app.UseCors();
        // A storage outage answers 503 + Retry-After at once (Event Grid redelivers), never a hang or a bare 500.
        app.UseMiddleware<StorageUnavailableMiddleware>();
        // Readiness for scripts and tests that poll the root; not a function.
        app.MapGet("/", () => Results.Text("DvServerless.Functions")).WithName("Readiness").ExcludeFromDescription();
        app.MapHttpFunctions(Routes);
        app.MapFunctionsOpenApi();
        return app;
    }

    /// <summary>Builds the isolated worker the Functions host starts (it passes <c>--functions-uri</c>).</summary>
    public static IHost BuildForFunctionsHost(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        // Kestrel's StorageUnavailableMiddleware has no place in the host's pipeline: the worker's middleware does its job.
        builder.UseMiddleware<FunctionsStorageMiddleware>();
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        AddServices(builder.Services, builder.Configuration, FunctionsHostingMode.FunctionsHost);
        builder.Services.DecorateCallSessionStoreWithLiveEvents();
        builder.Services.AddFunctionsTelemetry(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Registers options, adapters and the services the functions call; the same for both hosts.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration, FunctionsHostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(mode);
        services.AddSingleton(mode);

        services.AddOptions<FunctionsOptions>()
            .Bind(configuration.GetSection(FunctionsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => IsHttpBase(o.PublicBaseUrl), "Functions:PublicBaseUrl must be an absolute http(s) URL without query, e.g. https://dvs-func.azurewebsites.net.")
            .ValidateOnStart();

        services.AddOptions<MediaWorkerOptions>()
            .Bind(configuration.GetSection(MediaWorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => IsHttpBase(o.BaseUrl), "MediaWorker:BaseUrl must be an absolute http(s) URL without query, e.g. https://dvs-worker.example.azurecontainerapps.io.")
            .Validate(o => o.BaseUrls.All(IsHttpBase), "Every MediaWorker:BaseUrls entry must be an absolute http(s) URL without query.")
            .Validate(o => IsUsableKey(o.TokenSigningKey), "MediaWorker:TokenSigningKey must be base64 of at least 32 bytes or at least 32 characters.")
            // In Azure the public development key would let anyone mint tokens.
            .Validate(o => !AzureHostDetection.IsInAzure(key => configuration[key]) || o.TokenSigningKey != LocalDefaults.MediaTokenSigningKey,
                "MediaWorker__TokenSigningKey (MediaWorker:TokenSigningKey) is the public local development key; set a secret key in Azure.")
            .Validate(o => o.TokenLifetime >= TimeSpan.FromSeconds(10) && o.TokenLifetime <= TimeSpan.FromHours(1),
                "MediaWorker:TokenLifetime must be between 00:00:10 and 01:00:00.")
            .Validate(o => o.CommandTimeout >= TimeSpan.FromSeconds(1) && o.CommandTimeout <= TimeSpan.FromSeconds(30),
                "MediaWorker:CommandTimeout must be between 00:00:01 and 00:00:30.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => MediaTokenService.FromConfiguredKey(
            provider.GetRequiredService<IOptions<MediaWorkerOptions>>().Value.TokenSigningKey,
            provider.GetRequiredService<TimeProvider>()));

        services.AddDvServerlessStorage(configuration);
        // The worker replicas' command queues: commands for a call reach the replica that holds it.
        services.AddDvServerlessCommandQueues(configuration);
        services.TryAddSingleton<MediaWorkerPool>();
        services.AddAcsCallAutomation(configuration);
        // The media worker's hang-ups and transfers of ACS calls (it holds no ACS access): CallActions/.
        services.AddCallActions(mode);

        services.TryAddSingleton<IncomingCallService>();
        services.TryAddSingleton<CallEventsService>();
        // Calls decided but never answered are failed (their slot freed): the UnansweredCallSweep timer, or standalone its loop.
        services.TryAddSingleton<UnansweredCallSweep>();
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<LocalUnansweredCallSweepService>();
        }

        services.TryAddSingleton<AcsWebhookAuthenticator>();
        services.TryAddScoped<TenantSessionService>();
        services.TryAddSingleton<TenantApiAuthorization>();

        // Tenants, API auth, limits, audit, call admission and webhook authentication (Tenants/).
        services.AddTenants(configuration);
        services.AddSipFunctions(configuration);

        // Browser sessions and ephemeral keys (Voice/, Realtime/).
        services.AddCallCommands();
        services.AddVoiceFunctions();

        // Call records, minutes, voices and the TTS prompt cache (Records/, Voices/, Tts/).
        services.AddTtsFunctions(configuration, mode);
        services.AddRecordsFunctions(configuration);
        services.AddVoicesFunctions();

        // Live events to the dashboards (Azure SignalR REST; the worker's stand-in locally). The session store is
        // decorated last, by the builders, so that the store in use publishes them.
        services.AddLiveEvents();
    }

    /// <summary>
    /// The browser pages the worker serves (the console, the JS client) call this app from the worker's origin:
    /// <see cref="FunctionsOptions.CorsOrigins"/> may, with the credential headers of the tenant API.
    /// </summary>
    private static void AddStandaloneCors(WebApplicationBuilder builder)
    {
        builder.Services.AddCors();
        // Read when first used, so settings added after this (tests, the CLI) count.
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IConfiguration>((cors, configuration) =>
        {
            var configured = configuration[FunctionsOptions.SectionName + ":" + nameof(FunctionsOptions.CorsOrigins)];
            var worker = configuration[MediaWorkerOptions.SectionName + ":" + nameof(MediaWorkerOptions.BaseUrl)];
            var origins = FunctionsOptions.ParseOrigins(!string.IsNullOrWhiteSpace(configured) ? configured
                : Uri.TryCreate(worker, UriKind.Absolute, out var workerUrl) ? workerUrl.GetLeftPart(UriPartial.Authority)
                : LocalDefaults.MediaWorkerBaseUrl);
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins)
                .WithMethods("GET", "POST", "PATCH", "DELETE")
                .WithHeaders("X-Api-Key", "Authorization", TenantApiGate.RobotKeyHeader, TenantApiGate.RobotTokenHeader, "Content-Type")
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
        });
    }

    private static void ConfigureListening(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var handlerPort = configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrWhiteSpace(handlerPort))
        {
            if (!int.TryParse(handlerPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new InvalidOperationException($"FUNCTIONS_CUSTOMHANDLER_PORT must be a TCP port, not '{handlerPort}'.");
            }

            // The port variable of the former custom handler, still honoured so existing scripts keep working: loopback only.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrWhiteSpace(configuration["http_ports"])
            && string.IsNullOrWhiteSpace(configuration["https_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(LocalDefaults.FunctionsBaseUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);
    }

    private static bool IsHttpBase(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    private static bool IsUsableKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        try
        {
            MediaTokenService.FromConfiguredKey(key, TimeProvider.System);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
