using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Acs;

/// <summary>Registers the ACS Call Automation client.</summary>
public static class AcsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallAutomationClient"/> from configuration section <c>Acs</c>: <c>Acs:ConnectionString</c>
    /// (HMAC), or <c>Acs:Endpoint</c> with Entra ID; with neither, the local ACS simulator's connection string.
    /// </summary>
    public static IServiceCollection AddAcsCallAutomation(this IServiceCollection services, IConfiguration configuration)
    {
        // Being implemented by the ACS adapter work.
        return services;
    }
}
