namespace DvServerless.Core.Hosting;

/// <summary>
/// The embedded local defaults: what the apps use when nothing is configured, so that
/// <c>dotnet run --project src/DvServerless.Functions</c> works on a fresh clone against Azurite and the simulators.
/// None of these values is a secret of any real system.
/// </summary>
public static class LocalDefaults
{
    /// <summary>The Functions app's port when run on its own (the Functions host's usual local port).</summary>
    public const int FunctionsPort = 7071;

    /// <summary>The media worker's port.</summary>
    public const int MediaWorkerPort = 7073;

    /// <summary>The ACS simulator's port.</summary>
    public const int AcsSimulatorPort = 7075;

    /// <summary>The Realtime simulator's port.</summary>
    public const int RealtimeSimulatorPort = 7077;

    /// <summary>Azurite's well-known development storage connection string.</summary>
    public const string StorageConnectionString = "UseDevelopmentStorage=true";

    /// <summary>
    /// The ACS simulator's development access key (base64 of the text "dvserverless-local-acs-simulator-key!!").
    /// Only the local simulator accepts it.
    /// </summary>
    public const string AcsSimulatorAccessKey = "ZHZzZXJ2ZXJsZXNzLWxvY2FsLWFjcy1zaW11bGF0b3Ita2V5ISE=";

    /// <summary>The connection string of the ACS simulator on its default port.</summary>
    public static string AcsConnectionString => $"endpoint=http://127.0.0.1:{AcsSimulatorPort}/;accesskey={AcsSimulatorAccessKey}";

    /// <summary>The media worker's base URL on its default port.</summary>
    public static string MediaWorkerBaseUrl => $"http://127.0.0.1:{MediaWorkerPort}";

    /// <summary>The Functions app's public base URL on its default port.</summary>
    public static string FunctionsBaseUrl => $"http://127.0.0.1:{FunctionsPort}";

    /// <summary>The Realtime simulator's OpenAI-style base URL (<c>…/v1</c>) on its default port.</summary>
    public static string RealtimeSimulatorBaseUrl => $"http://127.0.0.1:{RealtimeSimulatorPort}/v1";

    /// <summary>The API key the Realtime simulator accepts.</summary>
    public const string RealtimeSimulatorApiKey = "dvs-local-simulator-key";

    /// <summary>The development key that signs media-socket tokens between the local apps.</summary>
    public const string MediaTokenSigningKey = "dvserverless-local-development-media-token-signing-key";

    /// <summary>
    /// The development Standard Webhooks secret of the local Realtime simulator's SIP side (the base64 of the 32 ASCII
    /// bytes <c>dvserverless-local-sip-webhooks!</c>). Public and worthless: never configure it for a real OpenAI project.
    /// </summary>
    public const string OpenAIWebhookSecret = "whsec_ZHZzZXJ2ZXJsZXNzLWxvY2FsLXNpcC13ZWJob29rcyE=";
}
