using DvServerless.Core.Hosting;
using DvServerless.Core.Tenants;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>Registers what the <c>SipIncoming</c> function needs.</summary>
public static class SipServiceCollectionExtensions
{
    /// <summary>
    /// Registers the webhook secret (<c>OpenAI:WebhookSecret</c>), the routing rules (<c>Sip</c>), the call-control client
    /// on the Realtime settings (<c>OpenAI:*</c> / <c>AzureOpenAI:*</c>; the local simulator when neither is set) with its
    /// retry settings (<c>OpenAI:CallControl</c>), one per tenant with its own OpenAI key, the webhook authenticator, the
    /// agents (the default <c>Agent</c>, <c>OpenAI:Model|Voice|Instructions</c>, and the named <c>Agents:{id}</c>), the worker
    /// client and <see cref="SipIncomingService"/>.
    /// </summary>
    public static IServiceCollection AddSipFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SipWebhookOptions>()
            .Bind(configuration.GetSection(SipWebhookOptions.SectionName))
            // In Azure the public development secret would let anyone place calls. Without a configured secret SIP is
            // off there: every webhook fails verification (400, logged), while ACS calls and the APIs keep working.
            .PostConfigure(o =>
            {
                if (!string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]) && o.WebhookSecret == LocalDefaults.OpenAIWebhookSecret)
                {
                    o.WebhookSecret = string.Empty;
                }
            })
            .Validate(o => o.WebhookSecret.Length == 0 || StandardWebhookVerifier.IsUsableSecret(o.WebhookSecret), "OpenAI:WebhookSecret must be the webhook's signing secret (whsec_… with base64 after the prefix).")
            .Validate(o => o.WebhookTolerance >= TimeSpan.Zero && o.WebhookTolerance <= TimeSpan.FromMinutes(10),
                "OpenAI:WebhookTolerance must be between 00:00:00 and 00:10:00.")
            .ValidateOnStart();

        services.AddOptions<SipRoutingOptions>()
            .Bind(configuration.GetSection(SipRoutingOptions.SectionName))
            .Validate(o => o.Rules.All(r => r.IsValid), "Every Sip:Rules entry needs Header, Contains and a Status between 400 and 699.")
            .Validate(o => o.WorkerTimeout > TimeSpan.Zero && o.WorkerTimeout <= TimeSpan.FromSeconds(10), "Sip:WorkerTimeout must be between 0 and 10 seconds.")
            .Validate(o => o.UndecidedTakeoverAfter > 2 * o.WorkerTimeout && o.UndecidedTakeoverAfter <= TimeSpan.FromMinutes(2),
                "Sip:UndecidedTakeoverAfter must be more than twice Sip:WorkerTimeout and at most 2 minutes.")
            .ValidateOnStart();

        // Says at start-up when SIP webhooks are refused for want of a secret.
        services.AddHostedService<SipWebhookSecretGuard>();
        services.AddConversationEngines(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new StandardWebhookVerifier(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SipWebhookOptions>>().Value.WebhookTolerance));
        services.AddOpenAICallControl(configuration);
        services.TryAddSingleton<SipWebhookAuthenticator>(sp => new SipWebhookAuthenticator(
            sp.GetRequiredService<StandardWebhookVerifier>(), sp.GetRequiredService<IOptions<SipWebhookOptions>>(), sp.GetService<TenantDirectory>()));
        // No retries: attach must not run twice, and both requests are bounded by Sip:WorkerTimeout inside a webhook that
        // must be answered within seconds; the factory gives pooled, recycled connections.
        services.AddHttpClient(MediaWorkerSipClient.HttpClientName);
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<MediaWorkerSipClient>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(MediaWorkerSipClient.HttpClientName)));
        // By queue when the account has queues (AddDvServerlessCommandQueues registered and a Queue service found): the
        // worker's internal port is out of this app's reach in Azure, and the ingress would pick any replica.
        services.TryAddSingleton<ISipWorkerClient>(sp => sp.GetService<QueuedCommandExchange>() is { IsAvailable: true } exchange
            ? ActivatorUtilities.CreateInstance<QueuedSipWorkerClient>(sp, exchange)
            : sp.GetRequiredService<MediaWorkerSipClient>());
        services.TryAddSingleton<SipRoutingPolicy>();
        services.TryAddSingleton<SipWebhookIdCache>();
        services.TryAddSingleton<SipIncomingService>();
        return services;
    }
}
