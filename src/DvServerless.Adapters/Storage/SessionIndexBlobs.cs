using System.Globalization;
using DvServerless.Core.Calls;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The names of the small, empty index blobs <see cref="BlobCallSessionStore"/> keeps beside the session documents in the
/// <c>sessions</c> container, so that counting live calls and listing a tenant's newest sessions read only what they
/// need instead of listing every session ever stored:
/// <list type="bullet">
/// <item><c>open/{callId}</c>: one per session that is not final, with the session's <see cref="SessionIndexMetadata"/>;
/// deleted when the session ends or fails. <c>BlobActiveCallCounter</c> lists this prefix only.</item>
/// <item><c>listing/all/{key}</c> and <c>listing/tenant/{tenantId}/{key}</c>: one per session (the second once it has a
/// tenant), where <c>key</c> is the inverted creation time (19 digits) then the call id, so that a prefix listing returns
/// the newest sessions first and <see cref="BlobCallSessionQuery"/> stops after the number asked for.</item>
/// </list>
/// </summary>
/// <remarks>
/// They live under the container's lifecycle rule like the documents. Sessions written before these blobs existed are
/// still read by id but are not counted or listed; they expire with the retention rule.
/// </remarks>
public static class SessionIndexBlobs
{
    /// <summary>The prefix of the open-session markers.</summary>
    public const string OpenPrefix = "open/";

    private const string AllSessionsPrefix = "listing/all/";
    private const string TenantPrefix = "listing/tenant/";
    private const int InvertedTicksDigits = 19;

    /// <summary>The marker of <paramref name="callId"/> while its session is open.</summary>
    public static string OpenName(string callId) => OpenPrefix + callId;

    /// <summary>The call id of an open-session marker named <paramref name="name"/>.</summary>
    public static string CallIdOfOpen(string name) => name[OpenPrefix.Length..];

    /// <summary>The prefix under which the sessions of <paramref name="tenantId"/> are listed, or of every tenant when null.</summary>
    public static string ListingPrefix(string? tenantId) => tenantId is null ? AllSessionsPrefix : TenantPrefix + tenantId + "/";

    /// <summary>The listing entry of <paramref name="session"/> under <see cref="ListingPrefix"/> of <paramref name="tenantId"/>.</summary>
    public static string ListingName(string? tenantId, CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var inverted = DateTimeOffset.MaxValue.UtcTicks - session.CreatedAt.UtcTicks;
        return ListingPrefix(tenantId) + inverted.ToString("D" + InvertedTicksDigits, CultureInfo.InvariantCulture) + "-" + session.CallId;
    }

    /// <summary>The call id in a listing entry found under <paramref name="prefix"/>; null when the name is not an entry.</summary>
    public static string? CallIdOfListing(string prefix, string name)
    {
        var start = prefix.Length + InvertedTicksDigits + 1;
        return name.Length > start && name.StartsWith(prefix, StringComparison.Ordinal) && name[start - 1] == '-' && CallIdFormat.IsValid(name[start..])
            ? name[start..]
            : null;
    }
}
