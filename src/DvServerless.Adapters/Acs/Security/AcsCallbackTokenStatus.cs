namespace DvServerless.Adapters.Acs.Security;

/// <summary>Why an ACS callback or media-socket token was or was not accepted.</summary>
public enum AcsCallbackTokenStatus
{
    /// <summary>A valid ACS token.</summary>
    Valid,
    /// <summary>Checking is turned off (<see cref="AcsCallbackAuthOptions.Enabled"/>); the request is let through.</summary>
    NotChecked,
    /// <summary>No <c>Authorization: Bearer</c> token.</summary>
    Missing,
    /// <summary>The token's lifetime is over.</summary>
    Expired,
    /// <summary>Malformed, wrong algorithm, bad signature, unknown key, wrong issuer or audience.</summary>
    Invalid,
    /// <summary>The signing keys could not be fetched; refused (fail closed), the sender retries.</summary>
    KeysUnavailable,
}
