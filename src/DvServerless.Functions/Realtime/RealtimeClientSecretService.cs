using System.Collections.Concurrent;
using System.Globalization;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.ClientSecrets;
using DvServerless.Core.Engines;
using DvServerless.Core.Tenants;
using DvServerless.Functions.BrowserSessions;

namespace DvServerless.Functions.Realtime;

/// <summary>
/// Mints ephemeral Realtime keys for a tenant's page that talks to OpenAI over WebRTC: the session is the agent's
/// (model, voice, instructions, transcription, turn detection), in the tenant's own OpenAI project when it has one
/// (<c>Tenants:Items:N:OpenAIApiKey</c>), else the gateway's. One client per project, made on first use.
/// </summary>
public sealed class RealtimeClientSecretService
{
    /// <summary>How long a key may create sessions when the caller does not say.</summary>
    public const int DefaultExpiresAfterSeconds = 600;

    /// <summary>The <c>Retry-After</c> answered when OpenAI is unavailable and named no wait of its own.</summary>
    public const int DefaultRetryAfterSeconds = 5;

    private readonly RealtimeClientSecretsClientFactory _factory;
    private readonly TenantRealtimeProjects _projects;
    private readonly AgentOptions _agent;
    private readonly ConcurrentDictionary<string, IRealtimeClientSecrets> _clients = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    public RealtimeClientSecretService(RealtimeClientSecretsClientFactory factory, TenantRealtimeProjects projects, AgentOptions agent)
    {
        _factory = factory;
        _projects = projects;
        _agent = agent;
    }

    /// <summary>Mints a key for <paramref name="caller"/>, valid <paramref name="expiresAfterSeconds"/> seconds (default 600).</summary>
    public async Task<(ClientSecretReply? Reply, VoiceResult? Refusal)> CreateAsync(TenantCaller caller, int? expiresAfterSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var seconds = expiresAfterSeconds ?? DefaultExpiresAfterSeconds;
        if (seconds is < RealtimeClientSecretsClient.MinExpiresAfterSeconds or > RealtimeClientSecretsClient.MaxExpiresAfterSeconds)
        {
            return (null, VoiceResult.Refused(VoiceOutcome.Invalid,
                $"expires_after_seconds must be between {RealtimeClientSecretsClient.MinExpiresAfterSeconds} and {RealtimeClientSecretsClient.MaxExpiresAfterSeconds}."));
        }

        // The page's own connection carries no tools: the gateway's sideband, attached afterwards, handles them.
        var session = AcceptSessionBuilder.Build(_agent);
        var result = await ClientFor(caller.TenantId).CreateAsync(session, seconds, cancellationToken).ConfigureAwait(false);
        if (result.Secret is { } secret)
        {
            return (new ClientSecretReply(secret.Value, secret.ExpiresAt.ToUnixTimeSeconds()), null);
        }

        // Down or throttling (after the client's bounded retries): tell the page when to come back, as the service told us
        // when it did. A refusal (a bad key, a bad session) stays a 502: asking again would not help.
        if (result.IsTransientFailure)
        {
            var retryAfter = RetryAfterSeconds(result.RetryAfter);
            return (null, VoiceResult.Unavailable(
                $"The Realtime API is unavailable ({(result.StatusCode is { } status ? status.ToString(CultureInfo.InvariantCulture) : "no answer")}); try again in {retryAfter} s.",
                retryAfter));
        }

        return (null, VoiceResult.Refused(VoiceOutcome.UpstreamFailed, "The Realtime API did not mint a key; see the gateway's log."));
    }

    /// <summary>The wait to pass on: the service's own, in whole seconds from 1 to 60, or 5 s when it named none.</summary>
    internal static int RetryAfterSeconds(TimeSpan? upstream) =>
        upstream is { } wait ? (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 60) : DefaultRetryAfterSeconds;

    // The same project choice as call control: the tenant's own project when it has a key, else the gateway's.
    private IRealtimeClientSecrets ClientFor(string? tenantId)
    {
        var settings = _projects.SettingsFor(tenantId);
        return _clients.GetOrAdd(settings.ApiKey ?? string.Empty, _ => _factory.Create(settings));
    }
}
