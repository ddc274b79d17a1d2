using Azure.Core;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// Where and how the Realtime engine connects. Bound by <see cref="RealtimeServiceCollectionExtensions.AddRealtimeEngine"/>
/// from <c>OpenAI:*</c> / <c>AzureOpenAI:*</c>; the engine appends <c>/realtime?model=…</c> to <see cref="BaseUrl"/>.
/// </summary>
public sealed class RealtimeEngineOptions
{
    /// <summary>The OpenAI scope for Entra tokens used with Azure OpenAI.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>The service behind <see cref="BaseUrl"/>.</summary>
    public RealtimeServiceKind Service { get; set; } = RealtimeServiceKind.Simulator;

    /// <summary>
    /// The REST-style base URL: <c>https://api.openai.com/v1</c>, <c>https://{resource}.openai.azure.com/openai/v1</c>
    /// or the simulator's <c>http://127.0.0.1:{port}/v1</c>. http/https become ws/wss.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// The key: sent as <c>Authorization: Bearer</c> (OpenAI, simulator) or as the <c>api-key</c> header (Azure).
    /// Never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure without a key: the credential whose token (scope <see cref="CognitiveServicesScope"/>) is sent as Bearer.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>How long <c>StartAsync</c> waits for the connection and <c>session.updated</c>.</summary>
    public TimeSpan SessionStartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Optional <c>max_output_tokens</c> (1–4096); null leaves the service default (<c>inf</c>).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>The effective base URL: <see cref="BaseUrl"/> or the default for <see cref="Service"/>.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? new Uri(Service == RealtimeServiceKind.OpenAI
        ? "https://api.openai.com/v1"
        : DvServerless.Core.Hosting.LocalDefaults.RealtimeSimulatorBaseUrl);

    /// <summary>True when the endpoint is on this machine (the simulator or a test server).</summary>
    public bool IsLoopback => EffectiveBaseUrl.IsLoopback;

    /// <summary>The engine's short name: <c>openai-realtime</c>, <c>azure-openai-realtime</c> or <c>realtime-simulator</c>.</summary>
    public string EngineName => IsLoopback || Service == RealtimeServiceKind.Simulator
        ? "realtime-simulator"
        : Service == RealtimeServiceKind.AzureOpenAI ? "azure-openai-realtime" : "openai-realtime";

    /// <summary>A human description for CLI output, without secrets, e.g. <c>OpenAI Realtime (gpt-realtime)</c>.</summary>
    public string DescribeEngine(string model) => EngineName switch
    {
        "realtime-simulator" => $"Realtime simulator at {EffectiveBaseUrl}",
        "azure-openai-realtime" => $"Azure OpenAI Realtime ({model} at {EffectiveBaseUrl.Host}, {(ApiKey is null ? "Entra ID" : "api-key")})",
        _ => $"OpenAI Realtime ({model})",
    };

    /// <summary>
    /// These settings for another OpenAI project: the same endpoint and limits with that project's key, and no Entra
    /// credential (the key stands for the project; the gateway's identity does not).
    /// </summary>
    public RealtimeEngineOptions WithProjectKey(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        var copy = (RealtimeEngineOptions)MemberwiseClone();
        copy.ApiKey = apiKey;
        copy.Credential = null;
        return copy;
    }

    /// <summary>
    /// The credentials for one connection: the key as Bearer (OpenAI, simulator), the key as <c>api-key</c> (Azure), or
    /// an Entra token as Bearer (Azure without a key). An Entra token lives about an hour and a session at most 60
    /// minutes, so one token per connection is enough.
    /// </summary>
    internal async ValueTask<(string? Bearer, string? AzureKey)> ResolveCredentialsAsync(CancellationToken cancellationToken)
    {
        if (Service != RealtimeServiceKind.AzureOpenAI)
        {
            return (ApiKey, null);
        }

        if (!string.IsNullOrEmpty(ApiKey))
        {
            return (null, ApiKey);
        }

        var token = await Credential!.GetTokenAsync(new TokenRequestContext([CognitiveServicesScope]), cancellationToken).ConfigureAwait(false);
        return (token.Token, null);
    }

    /// <summary>Checks the settings; returns the first problem, or null when they are usable.</summary>
    public string? Validate()
    {
        var url = EffectiveBaseUrl;
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            return $"The Realtime base URL must be an absolute http(s) URL, got '{url}'.";
        }

        if (string.IsNullOrEmpty(ApiKey) && (Service != RealtimeServiceKind.AzureOpenAI || Credential is null))
        {
            return Service == RealtimeServiceKind.AzureOpenAI
                ? "Azure OpenAI needs AzureOpenAI:ApiKey or an Entra ID credential."
                : "The Realtime engine needs an API key (OpenAI:ApiKey or OPENAI_API_KEY).";
        }

        if (SessionStartTimeout <= TimeSpan.Zero)
        {
            return "SessionStartTimeout must be positive.";
        }

        return MaxOutputTokens is < 1 or > 4096 ? "MaxOutputTokens must be between 1 and 4096." : null;
    }
}
