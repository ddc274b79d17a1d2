namespace DvServerless.Functions.Sessions;

/// <summary>
/// The limits on free-form session metadata (<c>PATCH /api/v1/sessions/{id}/meta</c>): it is for ids a CRM needs (customer,
/// ticket, campaign), not a document store, and it lives inside the session document every call event rewrites.
/// </summary>
public static class SessionMetadataLimits
{
    /// <summary>The most entries a session keeps.</summary>
    public const int MaxEntries = 32;

    /// <summary>The longest key: ASCII letters, digits, <c>-</c>, <c>_</c>, <c>.</c> and <c>:</c>.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>The longest value, in characters.</summary>
    public const int MaxValueLength = 512;

    /// <summary>The largest PATCH body, in bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Whether <paramref name="key"/> is an acceptable metadata key.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
