using DvServerless.Core.Calls;

namespace DvServerless.Core.Security;

/// <summary>Why a media-socket token was accepted or refused.</summary>
public enum MediaTokenStatus
{
    /// <summary>Signature good, not expired, bound to the expected call.</summary>
    Valid,
    /// <summary>No token was given.</summary>
    Missing,
    /// <summary>The token is not in the expected shape or its signature does not verify.</summary>
    Invalid,
    /// <summary>The token's lifetime is over.</summary>
    Expired,
    /// <summary>The token is valid but for another call (or, for a SIP attach, another SIP call).</summary>
    WrongCall,

    /// <summary>The token was minted for another use (an ACS media token presented to attach a SIP sideband, say).</summary>
    WrongPurpose,
}

/// <summary>The outcome of validating a media-socket token.</summary>
/// <remarks><see cref="TokenId"/> is the token's unique id (<c>jti</c>), set only when the token is valid.</remarks>
public readonly record struct MediaTokenValidation(MediaTokenStatus Status, string? CallId, DateTimeOffset? ExpiresAt, string? TokenId = null)
{
    /// <summary>True when <see cref="Status"/> is <see cref="MediaTokenStatus.Valid"/>.</summary>
    public bool IsValid => Status == MediaTokenStatus.Valid;

    /// <summary>Who the call belongs to, as the token says; set only when the token is valid, empty when it says nothing.</summary>
    public CallOwner Owner { get; init; }
}
