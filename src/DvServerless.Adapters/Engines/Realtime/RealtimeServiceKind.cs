namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>Which Realtime service the engine talks to; decides the authentication and the engine name.</summary>
public enum RealtimeServiceKind
{
    /// <summary>OpenAI (<c>https://api.openai.com/v1</c>), <c>Authorization: Bearer</c> with an API key.</summary>
    OpenAI,

    /// <summary>Azure OpenAI GA (<c>https://{resource}.openai.azure.com/openai/v1</c>), <c>api-key</c> or an Entra token.</summary>
    AzureOpenAI,

    /// <summary>The project's local Realtime simulator (OpenAI-style, Bearer key).</summary>
    Simulator,
}
