using Azure.Core;
using Azure.Identity;

namespace DvServerless.Adapters.Live;

/// <summary>
/// An Azure SignalR Service connection string in the SDK's own format, the one setting
/// <see cref="SettingName"/> that names the service for both apps:
/// <c>Endpoint=https://…;AccessKey=…;Version=1.0;</c>, <c>Endpoint=https://…;AuthType=azure.msi;ClientId=…;Version=1.0;</c>
/// or <c>Endpoint=https://…;AuthType=azure;Version=1.0;</c>. Keys are case-insensitive and may come in any order. The
/// access key never appears in messages or in <see cref="ToString"/>.
/// </summary>
public sealed class AzureSignalRConnectionString
{
    /// <summary>The configuration key both apps read (environment: <c>Azure__SignalR__ConnectionString</c>).</summary>
    public const string SettingName = "Azure:SignalR:ConnectionString";

    private const string Expected = "expected 'Endpoint=https://<name>.service.signalr.net;AccessKey=<key>;Version=1.0;' "
        + "or 'Endpoint=https://<name>.service.signalr.net;AuthType=azure.msi;ClientId=<client id>;Version=1.0;'";

    private AzureSignalRConnectionString(Uri endpoint, AzureSignalRAuthType authType, string? accessKey, string? clientId)
    {
        Endpoint = endpoint;
        AuthType = authType;
        AccessKey = accessKey;
        ClientId = clientId;
    }

    /// <summary>The service endpoint without a trailing slash, e.g. <c>https://dvs.service.signalr.net</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>How to authenticate.</summary>
    public AzureSignalRAuthType AuthType { get; }

    /// <summary>The access key (<see cref="AzureSignalRAuthType.AccessKey"/> only). A secret: never log it.</summary>
    public string? AccessKey { get; }

    /// <summary>The user-assigned managed identity's client id, when given.</summary>
    public string? ClientId { get; }

    /// <summary>
    /// Parses <paramref name="value"/>; throws <see cref="FormatException"/> with a message that names
    /// <paramref name="settingName"/> and never contains the key.
    /// </summary>
    public static AzureSignalRConnectionString Parse(string value, string settingName = SettingName)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? endpoint = null;
        string? accessKey = null;
        string? authType = null;
        string? clientId = null;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"{settingName} has a part that is not 'key=value'; {Expected}.");
            }

            // A base64 key may itself end in '=' padding, so only the first '=' separates key and value.
            var key = part[..equals].Trim();
            var item = part[(equals + 1)..].Trim();
            switch (key.ToUpperInvariant())
            {
                case "ENDPOINT":
                    endpoint = item;
                    break;
                case "ACCESSKEY":
                    accessKey = item;
                    break;
                case "AUTHTYPE":
                    authType = item;
                    break;
                case "CLIENTID":
                    clientId = item;
                    break;
                case "VERSION":
                    if (item != "1.0")
                    {
                        throw new FormatException($"{settingName} has Version={item}; only 1.0 is known.");
                    }

                    break;
                default:
                    // Port, ServerEndpoint, ClientEndpoint, TenantId, ClientSecret…: settings this gateway does not use.
                    throw new FormatException($"{settingName} has '{key}=', which this gateway does not support; {Expected}.");
            }
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            throw new FormatException($"{settingName} has no 'Endpoint='; {Expected}.");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri)
            || (endpointUri.Scheme != Uri.UriSchemeHttps && endpointUri.Scheme != Uri.UriSchemeHttp)
            || endpointUri.AbsolutePath != "/" || !string.IsNullOrEmpty(endpointUri.Query))
        {
            throw new FormatException($"{settingName} has an Endpoint that is not an absolute http(s) URL of a host (no path or query).");
        }

        var type = authType?.ToUpperInvariant() switch
        {
            null or "" => AzureSignalRAuthType.AccessKey,
            "AZURE.MSI" => AzureSignalRAuthType.ManagedIdentity,
            "AZURE" => AzureSignalRAuthType.DefaultAzureCredential,
            _ => throw new FormatException($"{settingName} has AuthType={authType}; use azure.msi (managed identity), azure (DefaultAzureCredential) or an AccessKey."),
        };

        if (type == AzureSignalRAuthType.AccessKey && string.IsNullOrEmpty(accessKey))
        {
            throw new FormatException($"{settingName} has neither an 'AccessKey=' nor an 'AuthType='; {Expected}.");
        }

        if (type != AzureSignalRAuthType.AccessKey && !string.IsNullOrEmpty(accessKey))
        {
            throw new FormatException($"{settingName} has both an AccessKey and AuthType={authType}; give one of them.");
        }

        if (type == AzureSignalRAuthType.AccessKey && accessKey!.Length < AzureSignalRAccessKey.MinimumLength)
        {
            throw new FormatException($"{settingName} has an AccessKey shorter than {AzureSignalRAccessKey.MinimumLength} characters (HS256 needs 256 bits).");
        }

        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            throw new FormatException($"{settingName} has a ClientId that is not a GUID (the managed identity's client id).");
        }

        var trimmed = new Uri(endpointUri.GetLeftPart(UriPartial.Authority));
        return new AzureSignalRConnectionString(trimmed, type, type == AzureSignalRAuthType.AccessKey ? accessKey : null, clientId);
    }

    /// <summary>
    /// The Entra credential the string asks for: a <see cref="ManagedIdentityCredential"/> by client id (system-assigned
    /// without one) for <c>azure.msi</c>, a <see cref="DefaultAzureCredential"/> for <c>azure</c>; null with an access key.
    /// </summary>
    public TokenCredential? CreateCredential() => AuthType switch
    {
        AzureSignalRAuthType.ManagedIdentity => new ManagedIdentityCredential(
            ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(ClientId)),
        AzureSignalRAuthType.DefaultAzureCredential => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId }),
        _ => null,
    };

    /// <summary>The REST API's token source for this string: the access key, or the Entra credential.</summary>
    public IAzureSignalRTokenSource CreateTokenSource(TimeProvider timeProvider) => CreateCredential() is { } credential
        ? new AzureSignalREntraTokenSource(credential, timeProvider)
        : new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(AccessKey!), timeProvider);

    /// <summary>The endpoint and the kind of credential; the key is never printed.</summary>
    public override string ToString() => AuthType switch
    {
        AzureSignalRAuthType.AccessKey => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};AccessKey=***",
        AzureSignalRAuthType.ManagedIdentity => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};AuthType=azure.msi;ClientId={ClientId ?? "(system-assigned)"}",
        _ => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};AuthType=azure",
    };
}
