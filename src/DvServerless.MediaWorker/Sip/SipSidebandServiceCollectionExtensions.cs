using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Sip;

/// <summary>Registers and maps the worker's SIP sideband support.</summary>
public static class SipSidebandServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SidebandCallRunner"/>, its options (section <c>Sip</c>) and the SIP call-control client on the
    /// Realtime engine's endpoint and credentials (retries and timeouts from <c>OpenAI:CallControl</c>). Call after the engine and storage registrations.
    /// </summary>
    public static IServiceCollection AddSipSideband(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SipSidebandOptions>()
            .Bind(configuration.GetSection(SipSidebandOptions.SectionName))
            .Validate(o => o.Validate() is null, "Invalid Sip settings (Sip:MaxCalls 1–10000, Sip:ReservationHold 5 s–5 min, Sip:QueuePollInterval 50 ms–2 s, Sip:TransferTarget a tel: or sip: URI).")
            .ValidateOnStart();
        services.AddOpenAICallControl(configuration);
        services.TryAddSingleton<SidebandCallRunner>();
        return services;
    }
}
