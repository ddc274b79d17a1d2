using System.Globalization;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tenancy;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tts;
using DvServerless.Functions.Voices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions;

/// <summary>
/// Composes the Functions app: the custom handler the Functions host starts (it listens on
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>) and, unchanged, the standalone local app. With no configuration at all it runs
/// against the local defaults (Azurite, the ACS simulator, the media worker on its default port).
/// </summary>
public static class FunctionsApp
{
    /// <summary>Builds the app; <paramref name="configure"/> runs after the app's own registrations (tests swap in fakes there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        ConfigureListening(builder);

        // The request log line carries the full URL, and with it ?code=<function key>; keep it out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        AddServices(builder.Services, builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Registers options, adapters and the call services.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FunctionsOptions>()
            .Bind(configuration.GetSection(FunctionsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => IsHttpBase(o.PublicBaseUrl), "Functions:PublicBaseUrl must be an absolute http(s) URL without query, e.g. https://dvs-func.azurewebsites.net.")
            .ValidateOnStart();

        services.AddOptions<MediaWorkerOptions>()
            .Bind(configuration.GetSection(MediaWorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => IsHttpBase(o.BaseUrl), "MediaWorker:BaseUrl must be an absolute http(s) URL without query, e.g. https://dvs-worker.example.azurecontainerapps.io.")
            .Validate(o => IsUsableKey(o.TokenSigningKey), "MediaWorker:TokenSigningKey must be base64 of at least 32 bytes or at least 32 characters.")
            // App Service and Functions set WEBSITE_SITE_NAME; there the public development key would let anyone mint tokens.
            .Validate(o => string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]) || o.TokenSigningKey != LocalDefaults.MediaTokenSigningKey,
                "MediaWorker:TokenSigningKey is the public local development key; set a secret key in Azure.")
            .Validate(o => o.TokenLifetime >= TimeSpan.FromSeconds(10) && o.TokenLifetime <= TimeSpan.FromHours(1),
                "MediaWorker:TokenLifetime must be between 00:00:10 and 01:00:00.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => MediaTokenService.FromConfiguredKey(
            provider.GetRequiredService<IOptions<MediaWorkerOptions>>().Value.TokenSigningKey,
            provider.GetRequiredService<TimeProvider>()));

        services.AddDvServerlessStorage(configuration);
        services.AddAcsCallAutomation(configuration);

        services.TryAddSingleton<IncomingCallService>();
        services.TryAddSingleton<CallEventsService>();

        // Tenants, API auth, limits, audit, call admission and webhook authentication (Tenancy/).
        services.AddTenancy(configuration);
        services.AddSipFunctions(configuration);

        // Call records, minutes, voices and the TTS prompt cache (Records/, Voices/, Tts/).
        services.AddTtsFunctions(configuration);
        services.AddRecordsFunctions(configuration);
        services.AddVoicesFunctions();
    }

    private static void MapEndpoints(WebApplication app)
    {
        // The Functions host polls GET / until any response arrives; answering 200 makes readiness explicit.
        app.MapGet("/", () => Results.Text("DvServerless.Functions")).WithName("Readiness");
        app.UseTenancy();
        app.MapTenancyApi();
        IncomingCallEndpoint.Map(app);
        CallEventsEndpoint.Map(app);
        app.MapSipFunctions();
        app.MapRecordsFunctions();
        app.MapVoicesFunctions();
        app.MapTtsFunctions();
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

            // Under the Functions host: loopback only, on the port the host chose.
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
