namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>
/// The outcome of verifying one Standard Webhooks delivery (PROTOCOL §3). Only <see cref="Valid"/> means the body may be
/// trusted; every other value names the reason for a 400 and never carries the secret.
/// </summary>
public enum WebhookVerificationResult
{
    /// <summary>A <c>v1,</c> candidate matched and the timestamp is within the tolerance.</summary>
    Valid,

    /// <summary>No signing secret is configured (empty secrets are refused: anyone could sign with them).</summary>
    MissingSecret,

    /// <summary>The configured secret starts with <c>whsec_</c> but the rest is not base64 (or is empty).</summary>
    InvalidSecret,

    /// <summary>The <c>webhook-id</c> header is absent or empty.</summary>
    MissingId,

    /// <summary>The <c>webhook-timestamp</c> header is absent or empty.</summary>
    MissingTimestamp,

    /// <summary>The <c>webhook-signature</c> header is absent or empty.</summary>
    MissingSignature,

    /// <summary>One of the three headers was sent more than once; which one to trust is a doubt.</summary>
    DuplicateHeader,

    /// <summary>The timestamp is not plain integer seconds (no sign, fraction, spaces or suffix).</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is more than the tolerance in the past.</summary>
    TimestampTooOld,

    /// <summary>The timestamp is more than the tolerance in the future.</summary>
    TimestampTooNew,

    /// <summary>The signature header holds more candidates than any sender needs (a cheap denial-of-service guard).</summary>
    TooManySignatures,

    /// <summary>No <c>v1,</c> candidate equals the expected signature (tampered body, wrong secret, or none is <c>v1</c>).</summary>
    NoMatchingSignature,
}
