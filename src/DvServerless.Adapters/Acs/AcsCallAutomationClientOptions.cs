using Azure.Core;

namespace DvServerless.Adapters.Acs;

/// <summary>
/// Pipeline options (retries, logging, transport) of <see cref="AcsCallAutomationClient"/>. The defaults are bounded for
/// a request made inside a webhook or a live call: 3 retries from 0.5 s up to 4 s apart, a server <c>Retry-After</c>
/// honoured up to 10 s (a longer one ends the retries, see <see cref="AcsRetryPolicy"/>), and 10 s per try instead of
/// the SDK's 100 s — at most about 50 s against a stalled service, a few seconds against one that refuses.
/// </summary>
public sealed class AcsCallAutomationClientOptions : ClientOptions
{
    /// <summary>The Call Automation api-version every request carries.</summary>
    public const string ApiVersion = "2026-03-12";

    /// <summary>The bounded defaults described on the class.</summary>
    public AcsCallAutomationClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromMilliseconds(500);
        Retry.MaxDelay = TimeSpan.FromSeconds(4);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// The longest server-asked wait (<c>Retry-After</c>) honoured before a retry; a longer one ends the retries. Used by
    /// the <see cref="AcsRetryPolicy"/> the client builds from <see cref="ClientOptions.Retry"/> when no
    /// <see cref="ClientOptions.RetryPolicy"/> is set.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}
