namespace DvServerless.Adapters.Live;

/// <summary>What <see cref="AzureSignalRAccessKey.ValidateAsync"/> found.</summary>
public enum AzureSignalRTokenStatus
{
    /// <summary>Signed with the key, for this audience, unexpired.</summary>
    Valid,

    /// <summary>No bearer token.</summary>
    Missing,

    /// <summary>Malformed, not HS256, or not signed with the key.</summary>
    Invalid,

    /// <summary>Outside its lifetime (past <c>exp</c>, before <c>nbf</c>) or without an <c>exp</c>.</summary>
    Expired,

    /// <summary>Signed correctly but for another URL.</summary>
    WrongAudience,
}
