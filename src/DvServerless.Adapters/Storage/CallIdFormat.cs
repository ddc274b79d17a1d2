using System.Buffers;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The shape of a call id that may name a blob and travel in a URL path: 1–128 characters of ASCII letters, digits,
/// <c>-</c> and <c>_</c>, starting with a letter or digit. Ids come from outside (callback routes, Event Grid), so every
/// store checks them before building a blob name.
/// </summary>
public static class CallIdFormat
{
    /// <summary>The longest accepted call id.</summary>
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>Whether <paramref name="callId"/> is a safe call id.</summary>
    public static bool IsValid(string? callId) =>
        !string.IsNullOrEmpty(callId)
        && callId.Length <= MaxLength
        && char.IsAsciiLetterOrDigit(callId[0])
        && !callId.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="callId"/> is not a safe call id.</summary>
    public static void ThrowIfInvalid(string? callId, string paramName = "callId")
    {
        if (!IsValid(callId))
        {
            throw new ArgumentException(
                $"A call id is 1–{MaxLength} ASCII letters, digits, '-' or '_', starting with a letter or digit.", paramName);
        }
    }
}
