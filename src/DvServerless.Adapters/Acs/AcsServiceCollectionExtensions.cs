using Azure.Identity;
using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Acs;

/// <summary>Registers the ACS Call Automation client.</summary>
public static class AcsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallAutomationClient"/> from configuration section <c>Acs</c>: <c>Acs:ConnectionString</c>
    /// (HMAC), or <c>Acs:Endpoint</c> with Entra ID; with neither, the local ACS simulator's connection string. Retries
    /// from <c>Acs:Retry</c> (<see cref="AcsRetryOptions"/>).
    /// </summary>
    public static IServiceCollection AddAcsCallAutomation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AcsOptions>()
            .Bind(configuration.GetSection(AcsOptions.SectionName))
            .Validate(o => o.AudioFormat is "pcm24KMono" or "pcm16KMono", "Acs:AudioFormat must be pcm24KMono or pcm16KMono.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsParsable(o.ConnectionString),
                "Acs:ConnectionString is not 'endpoint=https://…;accesskey=<base64>'.")
            .Validate(o => o.Endpoint is null || o.Endpoint.Scheme == Uri.UriSchemeHttps || o.Endpoint.IsLoopback,
                "Acs:Endpoint must be an https URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TransferTarget) || IsTransferTarget(o.TransferTarget),
                "Acs:TransferTarget must be a phone number in E.164 (+14255550123) or an ACS raw id (8:acs:…, 4:+1…).")
            .Validate(o => o.Retry.Validate() is null, "Invalid Acs:Retry settings (MaxRetries 0–10, Delay 0–10 s, MaxDelay Delay–1 min, NetworkTimeout 1–100 s, MaxRetryAfter 0–1 min).")
            // The simulator's connection string (and its public access key) is a local default only. Read when validated:
            // hosts and tests add configuration after registration.
            .Validate(o => !AzureHostDetection.IsInAzure(key => configuration[key]) || NamesRealResource(o),
                "Acs__Endpoint (Acs:Endpoint) or Acs__ConnectionString must name the Communication Services resource in Azure; " +
                "the local ACS simulator and its development access key are never used there.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AcsCallAutomationClient>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AcsOptions>>().Value;
            var time = provider.GetRequiredService<TimeProvider>();
            var logger = provider.GetService<ILogger<AcsCallAutomationClient>>();
            if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.Endpoint is not null)
            {
                return new AcsCallAutomationClient(options.Endpoint, new DefaultAzureCredential(), options.Retry.ToClientOptions(), time, logger);
            }

            var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? LocalDefaults.AcsConnectionString : options.ConnectionString;
            return new AcsCallAutomationClient(AcsConnectionString.Parse(connectionString), options.Retry.ToClientOptions(), time, logger);
        });
        services.TryAddSingleton<ICallAutomationClient>(provider => provider.GetRequiredService<AcsCallAutomationClient>());
        return services;
    }

    private static bool IsTransferTarget(string target) =>
        System.Text.RegularExpressions.Regex.IsMatch(target, @"^(\+[1-9][0-9]{6,14}|4:\+[1-9][0-9]{6,14}|8:[a-z0-9_.:-]+)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    private static bool NamesRealResource(AcsOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? options.Endpoint is not null
            : !options.ConnectionString.Contains(LocalDefaults.AcsSimulatorAccessKey, StringComparison.Ordinal);

    private static bool IsParsable(string connectionString)
    {
        try
        {
            AcsConnectionString.Parse(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
