namespace DvServerless.Adapters.Llm;

/// <summary>
/// The provider names under which <see cref="LanguageModelServiceCollectionExtensions.AddLanguageModels"/> registers
/// keyed <see cref="Microsoft.Extensions.AI.IChatClient"/>s (the values of <c>Agent:Cascaded:Llm</c>).
/// </summary>
public static class LanguageModelProviders
{
    /// <summary>OpenAI chat completions.</summary>
    public const string OpenAI = "openai";

    /// <summary>Azure OpenAI chat completions on the v1 endpoint (model = deployment name).</summary>
    public const string AzureOpenAI = "azureopenai";

    /// <summary>Anthropic Messages.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>A local or remote Ollama server.</summary>
    public const string Ollama = "ollama";
}
