using Azure.Core;
using Azure.Identity;
using DvServerless.Adapters.Engines.Realtime;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Llm;

/// <summary>
/// Where each language-model provider is and how it authenticates, read by <see cref="From"/>. A provider whose
/// <c>Is…Configured</c> is false is not registered. Keys are never logged.
/// </summary>
public sealed class LanguageModelOptions
{
    /// <summary>OpenAI's API key (<c>OpenAI:ApiKey</c> or <c>OPENAI_API_KEY</c>).</summary>
    public string? OpenAIApiKey { get; set; }

    /// <summary>
    /// OpenAI's chat base URL (<c>OpenAI:ChatBaseUrl</c>, default <c>https://api.openai.com/v1</c>); a separate setting
    /// from <c>OpenAI:BaseUrl</c> because that one may point the Realtime engine at its simulator.
    /// </summary>
    public Uri OpenAIBaseUrl { get; set; } = new("https://api.openai.com/v1");

    /// <summary>The Azure OpenAI resource endpoint (<c>AzureOpenAI:Endpoint</c>); the v1 base is derived from it.</summary>
    public Uri? AzureOpenAIEndpoint { get; set; }

    /// <summary>The Azure OpenAI key (<c>AzureOpenAI:ApiKey</c>), sent as <c>api-key</c>; without it Entra ID is used.</summary>
    public string? AzureOpenAIApiKey { get; set; }

    /// <summary>The Entra ID credential for Azure OpenAI when no key is set.</summary>
    public TokenCredential? AzureOpenAICredential { get; set; }

    /// <summary>Anthropic's API key (<c>Anthropic:ApiKey</c> or <c>ANTHROPIC_API_KEY</c>).</summary>
    public string? AnthropicApiKey { get; set; }

    /// <summary>Anthropic's base URL (<c>Anthropic:BaseUrl</c>, default <c>https://api.anthropic.com</c>).</summary>
    public Uri AnthropicBaseUrl { get; set; } = new("https://api.anthropic.com");

    /// <summary>The Ollama server (<c>Ollama:BaseUrl</c>, default <c>http://localhost:11434</c>).</summary>
    public Uri OllamaBaseUrl { get; set; } = new("http://localhost:11434");

    /// <summary>Whether Ollama was asked for: <c>Ollama:BaseUrl</c> is set or the cascaded agent names <c>ollama</c>.</summary>
    public bool OllamaRequested { get; set; }

    /// <summary>True when an OpenAI key is set.</summary>
    public bool IsOpenAIConfigured => !string.IsNullOrWhiteSpace(OpenAIApiKey);

    /// <summary>True when an Azure OpenAI endpoint is set (with a key or an Entra credential).</summary>
    public bool IsAzureOpenAIConfigured => AzureOpenAIEndpoint is not null && (AzureOpenAIApiKey is not null || AzureOpenAICredential is not null);

    /// <summary>True when an Anthropic key is set.</summary>
    public bool IsAnthropicConfigured => !string.IsNullOrWhiteSpace(AnthropicApiKey);

    /// <summary>The Azure OpenAI v1 base (<c>https://{resource}.openai.azure.com/openai/v1</c>).</summary>
    public Uri? AzureOpenAIBaseUrl => AzureOpenAIEndpoint is null ? null : RealtimeServiceCollectionExtensions.AzureBaseUrl(AzureOpenAIEndpoint.ToString());

    /// <summary>Reads the settings named on each property from <paramref name="configuration"/>.</summary>
    /// <exception cref="FormatException">A base URL is set but is not an absolute http(s) URL.</exception>
    public static LanguageModelOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new LanguageModelOptions
        {
            OpenAIApiKey = DvServerless.Adapters.OpenAI.OpenAIApiKey.From(configuration),
            AzureOpenAIApiKey = NonEmpty(configuration["AzureOpenAI:ApiKey"]),
            AnthropicApiKey = NonEmpty(configuration["Anthropic:ApiKey"]) ?? NonEmpty(configuration["ANTHROPIC_API_KEY"]),
            OllamaRequested = NonEmpty(configuration["Ollama:BaseUrl"]) is not null
                || string.Equals(configuration["Agent:Cascaded:Llm"], LanguageModelProviders.Ollama, StringComparison.OrdinalIgnoreCase),
        };
        options.OpenAIBaseUrl = UrlOrDefault(configuration, "OpenAI:ChatBaseUrl", options.OpenAIBaseUrl);
        options.AnthropicBaseUrl = UrlOrDefault(configuration, "Anthropic:BaseUrl", options.AnthropicBaseUrl);
        options.OllamaBaseUrl = UrlOrDefault(configuration, "Ollama:BaseUrl", options.OllamaBaseUrl);
        if (NonEmpty(configuration["AzureOpenAI:Endpoint"]) is not null)
        {
            options.AzureOpenAIEndpoint = UrlOrDefault(configuration, "AzureOpenAI:Endpoint", null!);
            options.AzureOpenAICredential = options.AzureOpenAIApiKey is null ? new DefaultAzureCredential() : null;
        }

        return options;
    }

    private static Uri UrlOrDefault(IConfiguration configuration, string key, Uri fallback)
    {
        if (NonEmpty(configuration[key]) is not { } text)
        {
            return fallback;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new FormatException($"{key} must be an absolute http(s) URL.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
