using Azure.Core;
using Azure.Identity;

namespace DvServerless.Adapters.Telemetry;

/// <summary>
/// Reads <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (<c>Authorization=AAD</c>, optionally <c>ClientId=&lt;user-assigned
/// identity&gt;</c>), the setting the deployment gives both apps for an Application Insights resource that refuses
/// key-based ingestion. The Functions host and the classic SDK read it themselves; the OpenTelemetry distro does not, so
/// the apps hand it the credential this returns.
/// </summary>
public static class ApplicationInsightsAuthentication
{
    /// <summary>The setting's name.</summary>
    public const string SettingName = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// The managed identity <paramref name="authenticationString"/> names: the user-assigned one of its <c>ClientId</c>, or
    /// the system-assigned one; null when it is empty or does not ask for <c>Authorization=AAD</c>.
    /// </summary>
    public static TokenCredential? CredentialFrom(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        string? clientId = null;
        var aad = false;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                aad = value.Equals("AAD", StringComparison.OrdinalIgnoreCase);
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                clientId = value;
            }
        }

        if (!aad)
        {
            return null;
        }

        return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
