namespace DvServerless.Adapters.Tenants;

/// <summary>Why a token was or was not accepted.</summary>
public enum TenantTokenStatus
{
    /// <summary>Accepted.</summary>
    Valid,
    /// <summary>No token was given.</summary>
    Missing,
    /// <summary>The token's lifetime is over.</summary>
    Expired,
    /// <summary>Malformed, tampered, wrongly signed, wrong algorithm, issuer or audience, or unknown claims.</summary>
    Invalid,
}
