using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>
/// Verifies Standard Webhooks signatures as OpenAI sends them (PROTOCOL §3), strictly: the three headers must be present
/// and non-empty, the timestamp must be integer seconds within <see cref="Tolerance"/> (boundaries pass), the secret must
/// be non-empty, and one of the space-separated <c>v1,</c> candidates must equal the HMAC-SHA256 of
/// <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>, compared in constant time. Thread-safe.
/// </summary>
public sealed class StandardWebhookVerifier
{
    /// <summary>The header carrying the message id (stable across retries of one message).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header carrying the attempt's unix time in seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header carrying the space-separated signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The prefix of a base64 signing secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>More candidates than this are refused; key rotation needs two or three (npm <c>openai</c> bounds at 32).</summary>
    public const int MaxSignatureCandidates = 32;

    /// <summary>The default tolerance, the SDKs' 300 s.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    // 15 digits cover every plausible unix time and keep the parse far from overflow.
    private const int MaxTimestampDigits = 15;
    private const int HmacBase64Length = 44;

    private readonly TimeProvider _time;

    /// <summary>Creates a verifier using <paramref name="timeProvider"/> (the system clock when null) as "now".</summary>
    public StandardWebhookVerifier(TimeProvider? timeProvider = null, TimeSpan? tolerance = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        Tolerance = tolerance ?? DefaultTolerance;
        if (Tolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The tolerance must not be negative.");
        }
    }

    /// <summary>How far the timestamp may be from now, either way (inclusive).</summary>
    public TimeSpan Tolerance { get; }

    /// <summary>
    /// Verifies a delivery from its request headers (names matched case-insensitively) and raw body bytes, exactly as
    /// received: never re-serialize the JSON before verifying.
    /// </summary>
    public WebhookVerificationResult Verify(
        IEnumerable<KeyValuePair<string, StringValues>> headers, ReadOnlySpan<byte> body, string? secret)
    {
        ArgumentNullException.ThrowIfNull(headers);
        StringValues id = default, timestamp = default, signature = default;
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, IdHeader, StringComparison.OrdinalIgnoreCase))
            {
                id = StringValues.Concat(id, value);
            }
            else if (string.Equals(name, TimestampHeader, StringComparison.OrdinalIgnoreCase))
            {
                timestamp = StringValues.Concat(timestamp, value);
            }
            else if (string.Equals(name, SignatureHeader, StringComparison.OrdinalIgnoreCase))
            {
                signature = StringValues.Concat(signature, value);
            }
        }

        if (id.Count > 1 || timestamp.Count > 1 || signature.Count > 1)
        {
            return WebhookVerificationResult.DuplicateHeader;
        }

        return Verify(id.ToString(), timestamp.ToString(), signature.ToString(), body, secret);
    }

    /// <summary>Verifies a delivery from the three header values (null or empty = missing) and the raw body bytes.</summary>
    public WebhookVerificationResult Verify(
        string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return WebhookVerificationResult.MissingSecret;
        }

        if (string.IsNullOrEmpty(webhookId))
        {
            return WebhookVerificationResult.MissingId;
        }

        if (string.IsNullOrEmpty(webhookTimestamp))
        {
            return WebhookVerificationResult.MissingTimestamp;
        }

        if (string.IsNullOrEmpty(webhookSignature))
        {
            return WebhookVerificationResult.MissingSignature;
        }

        if (!TryParseTimestamp(webhookTimestamp, out var seconds))
        {
            return WebhookVerificationResult.InvalidTimestamp;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (now - seconds > tolerance)
        {
            return WebhookVerificationResult.TimestampTooOld;
        }

        if (seconds - now > tolerance)
        {
            return WebhookVerificationResult.TimestampTooNew;
        }

        var key = TryGetKey(secret);
        if (key is null)
        {
            return WebhookVerificationResult.InvalidSecret;
        }

        var candidates = webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (candidates.Length > MaxSignatureCandidates)
        {
            return WebhookVerificationResult.TooManySignatures;
        }

        Span<byte> expected = stackalloc byte[HmacBase64Length];
        ComputeSignature(key, webhookId, webhookTimestamp, body, expected);
        var matched = false;
        Span<byte> candidateBytes = stackalloc byte[HmacBase64Length];
        foreach (var candidate in candidates)
        {
            // Only the v1 scheme is defined; "v1a,…" or a bare value is not a v1 signature and is never compared.
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            var value = candidate.AsSpan(3);
            if (value.Length != HmacBase64Length || Encoding.ASCII.GetBytes(value, candidateBytes) != HmacBase64Length)
            {
                continue;
            }

            // Keep looking after a match so the time taken does not say which candidate matched.
            matched |= CryptographicOperations.FixedTimeEquals(candidateBytes, expected);
        }

        CryptographicOperations.ZeroMemory(key);
        return matched ? WebhookVerificationResult.Valid : WebhookVerificationResult.NoMatchingSignature;
    }

    /// <summary>
    /// The <c>v1,&lt;base64&gt;</c> signature of a message: for tests and for senders. Throws when the secret is unusable.
    /// </summary>
    public static string Sign(string secret, string webhookId, string webhookTimestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        ArgumentException.ThrowIfNullOrEmpty(webhookTimestamp);
        var key = TryGetKey(secret) ?? throw new ArgumentException("The whsec_ secret is not valid base64.", nameof(secret));
        Span<byte> signature = stackalloc byte[HmacBase64Length];
        ComputeSignature(key, webhookId, webhookTimestamp, body, signature);
        return "v1," + Encoding.ASCII.GetString(signature);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> can serve as a signing secret: <c>whsec_</c> with at least 16 bytes of base64 after
    /// it, or (as the SDKs accept a raw secret as its UTF-8 bytes) at least 24 characters.
    /// </summary>
    public static bool IsUsableSecret(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }

        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return secret.Length >= 24;
        }

        var encoded = secret[SecretPrefix.Length..];
        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var length) && length >= 16;
    }

    /// <summary>A short, secret-free description of a result for logs and 400 bodies.</summary>
    public static string Describe(WebhookVerificationResult result) => result switch
    {
        WebhookVerificationResult.Valid => "valid",
        WebhookVerificationResult.MissingSecret => "no webhook secret is configured",
        WebhookVerificationResult.InvalidSecret => "the configured webhook secret is not valid",
        WebhookVerificationResult.MissingId => "missing webhook-id header",
        WebhookVerificationResult.MissingTimestamp => "missing webhook-timestamp header",
        WebhookVerificationResult.MissingSignature => "missing webhook-signature header",
        WebhookVerificationResult.DuplicateHeader => "a webhook header was sent more than once",
        WebhookVerificationResult.InvalidTimestamp => "webhook-timestamp is not integer seconds",
        WebhookVerificationResult.TimestampTooOld => "webhook timestamp is too old",
        WebhookVerificationResult.TimestampTooNew => "webhook timestamp is too new",
        WebhookVerificationResult.TooManySignatures => "too many webhook signatures",
        WebhookVerificationResult.NoMatchingSignature => "no webhook signature matches",
        _ => "unknown",
    };

    private static bool TryParseTimestamp(string text, out long seconds)
    {
        seconds = 0;
        if (text.Length > MaxTimestampDigits)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            seconds = (seconds * 10) + (c - '0');
        }

        return true;
    }

    private static byte[]? TryGetKey(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(secret);
        }

        var encoded = secret.AsSpan(SecretPrefix.Length);
        if (encoded.IsEmpty)
        {
            return null;
        }

        var key = new byte[encoded.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(encoded, key, out var length) || length == 0)
        {
            return null;
        }

        return key.AsSpan(0, length).ToArray();
    }

    private static void ComputeSignature(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> base64)
    {
        var prefixLength = Encoding.UTF8.GetByteCount(id) + timestamp.Length + 2;
        var content = ArrayPool<byte>.Shared.Rent(prefixLength + body.Length);
        try
        {
            var written = Encoding.UTF8.GetBytes(id, content);
            content[written++] = (byte)'.';
            written += Encoding.ASCII.GetBytes(timestamp, content.AsSpan(written));
            content[written++] = (byte)'.';
            body.CopyTo(content.AsSpan(written));
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, content.AsSpan(0, written + body.Length), hash);
            System.Buffers.Text.Base64.EncodeToUtf8(hash, base64, out _, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }
}
