namespace DvServerless.Adapters.Acs.Security;

/// <summary>The result of <see cref="AcsCallbackTokenValidator"/>.</summary>
/// <param name="Status">The outcome.</param>
public readonly record struct AcsCallbackTokenValidation(AcsCallbackTokenStatus Status)
{
    /// <summary>Whether the request may proceed (a valid token, or checking turned off).</summary>
    public bool IsAccepted => Status is AcsCallbackTokenStatus.Valid or AcsCallbackTokenStatus.NotChecked;

    /// <summary>The HTTP status to answer a refused request with: 503 when keys were unavailable, otherwise 401.</summary>
    public int RefusalStatusCode => Status == AcsCallbackTokenStatus.KeysUnavailable ? 503 : 401;
}
