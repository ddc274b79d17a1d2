namespace DvServerless.Adapters.Acs.Security;

/// <summary>How ACS callbacks and media sockets are authenticated (configuration section <c>Acs:CallbackAuth</c>, PROTOCOL §3.4, §5.1).</summary>
public sealed class AcsCallbackAuthOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Acs:CallbackAuth";

    /// <summary>The issuer of ACS callback and media-socket JWTs.</summary>
    public const string AcsIssuer = "https://acscallautomation.communication.azure.com";

    /// <summary>The public OpenID configuration of ACS Call Automation.</summary>
    public const string DefaultOpenIdConfigurationUrl = "https://acscallautomation.communication.azure.com/calling/.well-known/acsopenidconfiguration";

    /// <summary>Whether tokens are checked. On by default: turning it off accepts any caller and is meant only for local experiments.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The ACS resource's immutable resource id (a GUID): the expected audience.</summary>
    public string? ResourceId { get; set; }

    /// <summary>Where the signing keys are found; point it at the ACS simulator locally. Plain http is accepted for loopback only.</summary>
    public string OpenIdConfigurationUrl { get; set; } = DefaultOpenIdConfigurationUrl;

    /// <summary>Checks the settings and returns every problem found (empty when usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enabled)
        {
            return errors;
        }

        if (!Guid.TryParse(ResourceId, out _))
        {
            errors.Add("Acs:CallbackAuth:ResourceId must be the ACS resource's immutable resource id (a GUID).");
        }

        if (!Uri.TryCreate(OpenIdConfigurationUrl, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            errors.Add("Acs:CallbackAuth:OpenIdConfigurationUrl must be an https URL (http only on loopback).");
        }

        return errors;
    }
}
