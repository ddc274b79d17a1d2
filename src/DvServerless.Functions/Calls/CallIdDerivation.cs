using System.Security.Cryptography;
using System.Text;
using DvServerless.Adapters.Acs.Events;
using DvServerless.Adapters.Storage;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Derives the gateway's call id from an IncomingCall event, the same for every delivery of one call, so that a
/// redelivered or concurrently delivered event finds the session the first one created. The correlation id is the
/// call's identity across deliveries; the server call id and then the event id stand in when it is missing.
/// </summary>
public static class CallIdDerivation
{
    /// <summary>The call id for <paramref name="notification"/>; always a valid <see cref="CallIdFormat"/> id.</summary>
    public static string From(IncomingCallNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var source = FirstNonEmpty(notification.CorrelationId, notification.ServerCallId, notification.EventId)
            ?? throw new ArgumentException("The IncomingCall event carries no correlation id, server call id or event id.", nameof(notification));
        return FromValue(source);
    }

    /// <summary>
    /// <paramref name="value"/> itself when it is a safe id of at most 64 characters (correlation ids are GUIDs),
    /// otherwise a stable hash of it (server call ids are long base64 strings with <c>/</c>, <c>+</c> and <c>=</c>).
    /// </summary>
    public static string FromValue(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length <= 64 && CallIdFormat.IsValid(value))
        {
            return value;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        return "h" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
