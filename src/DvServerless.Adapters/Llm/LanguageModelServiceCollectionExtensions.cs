using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using DvServerless.Adapters.Tts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OllamaSharp;
using OpenAI;
using OpenAI.Chat;

namespace DvServerless.Adapters.Llm;

/// <summary>Registers the cascaded engine's language models.</summary>
public static class LanguageModelServiceCollectionExtensions
{
    /// <summary>The <see cref="IHttpClientFactory"/> client of OpenAI chat completions.</summary>
    public const string OpenAIHttpClientName = "Llm.OpenAI";

    /// <summary>The <see cref="IHttpClientFactory"/> client of Azure OpenAI chat completions.</summary>
    public const string AzureOpenAIHttpClientName = "Llm.AzureOpenAI";

    /// <summary>The <see cref="IHttpClientFactory"/> client of Anthropic Messages.</summary>
    public const string AnthropicHttpClientName = "Llm.Anthropic";

    /// <summary>The <see cref="IHttpClientFactory"/> client of Ollama.</summary>
    public const string OllamaHttpClientName = "Llm.Ollama";

    /// <summary>The model a client uses when a request names none (the engine always names one).</summary>
    private const string FallbackModel = "gpt-4o-mini";

    /// <summary>Anthropic requires <c>max_tokens</c>; this is used when a request sets no <see cref="ChatOptions.MaxOutputTokens"/>.</summary>
    private const int AnthropicDefaultMaxTokens = 1024;

    /// <summary>
    /// Registers a keyed singleton <see cref="IChatClient"/> per configured provider, keyed by its name in
    /// <see cref="LanguageModelProviders"/>: <c>openai</c> (an OpenAI key), <c>azureopenai</c> (<c>AzureOpenAI:Endpoint</c>
    /// with <c>AzureOpenAI:ApiKey</c> or DefaultAzureCredential), <c>anthropic</c> (an Anthropic key) and <c>ollama</c>
    /// (<c>Ollama:BaseUrl</c> set, or <c>Agent:Cascaded:Llm</c> = <c>ollama</c>); see <see cref="LanguageModelOptions"/>.
    /// The model comes with each request in <see cref="ChatOptions.ModelId"/>. No function invocation is added: the
    /// caller sees <see cref="FunctionCallContent"/> and runs tools itself. Requests go through
    /// <see cref="IHttpClientFactory"/> clients with the standard resilience pipeline; the SDKs' own retries are off so
    /// that a failure is retried once, in one place.
    /// </summary>
    public static IServiceCollection AddLanguageModels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = LanguageModelOptions.From(configuration);
        services.AddSingleton(options);
        if (options.IsOpenAIConfigured)
        {
            // A completion has no side effect but its cost, so a refused or failed POST may be repeated.
            services.AddProviderHttpClient(OpenAIHttpClientName, retryUnsafeMethods: true);
            services.AddKeyedSingleton<IChatClient>(LanguageModelProviders.OpenAI, (sp, _) => CreateOpenAI(
                Http(sp, OpenAIHttpClientName), options.OpenAIBaseUrl, new ApiKeyCredential(options.OpenAIApiKey!)));
        }

        if (options.IsAzureOpenAIConfigured)
        {
            services.AddProviderHttpClient(AzureOpenAIHttpClientName, retryUnsafeMethods: true);
            services.AddKeyedSingleton<IChatClient>(LanguageModelProviders.AzureOpenAI, (sp, _) => CreateAzureOpenAI(Http(sp, AzureOpenAIHttpClientName), options));
        }

        if (options.IsAnthropicConfigured)
        {
            services.AddProviderHttpClient(AnthropicHttpClientName, retryUnsafeMethods: true);
            services.AddKeyedSingleton<IChatClient>(LanguageModelProviders.Anthropic, (sp, _) => CreateAnthropic(
                Http(sp, AnthropicHttpClientName), options.AnthropicBaseUrl, options.AnthropicApiKey!));
        }

        if (options.OllamaRequested)
        {
            services.AddProviderHttpClient(OllamaHttpClientName, retryUnsafeMethods: true);
            services.AddKeyedSingleton<IChatClient>(LanguageModelProviders.Ollama, (sp, _) => CreateOllama(Http(sp, OllamaHttpClientName), options.OllamaBaseUrl));
        }

        return services;
    }

    /// <summary>An OpenAI chat-completions client at <paramref name="baseUrl"/> (<c>…/v1</c>) authenticated with <paramref name="key"/> as Bearer.</summary>
    internal static IChatClient CreateOpenAI(HttpClient http, Uri baseUrl, ApiKeyCredential key) =>
        new ModelRoutingChatClient(model => new ChatClient(model, key, SdkOptions(http, baseUrl)).AsIChatClient(), FallbackModel);

    /// <summary>An Azure OpenAI v1 client: the key as <c>api-key</c>, else an Entra token as Bearer; the model is the deployment.</summary>
    internal static IChatClient CreateAzureOpenAI(HttpClient http, LanguageModelOptions options)
    {
        var baseUrl = options.AzureOpenAIBaseUrl ?? throw new InvalidOperationException("AzureOpenAI:Endpoint is not set.");
        AuthenticationPolicy auth = options.AzureOpenAIApiKey is { } key
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(key), "api-key")
            : new BearerTokenPolicy(options.AzureOpenAICredential!, Engines.Realtime.RealtimeEngineOptions.CognitiveServicesScope);
        return new ModelRoutingChatClient(model => new ChatClient(model, auth, SdkOptions(http, baseUrl)).AsIChatClient(), FallbackModel);
    }

    /// <summary>
    /// An Anthropic Messages client at <paramref name="baseUrl"/>. The key goes in the <c>x-api-key</c> header, which is
    /// how the Messages API documents authentication; the SDK (13.x) would otherwise send it as a Bearer token. The SDK
    /// adds <c>anthropic-version</c> itself.
    /// </summary>
    internal static IChatClient CreateAnthropic(HttpClient http, Uri baseUrl, string apiKey)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            // Null also keeps the SDK from reading ANTHROPIC_API_KEY or a profile behind our back.
            ApiKey = null,
            ExtraHeaders = new Dictionary<string, string> { ["x-api-key"] = apiKey },
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
            HttpClient = http,
            MaxRetries = 0,
        });
        return client.AsIChatClient(defaultModelId: null, defaultMaxOutputTokens: AnthropicDefaultMaxTokens);
    }

    /// <summary>An Ollama <c>/api/chat</c> client at <paramref name="baseUrl"/>.</summary>
    internal static IChatClient CreateOllama(HttpClient http, Uri baseUrl)
    {
        http.BaseAddress = baseUrl;
        return new OllamaApiClient(http, FallbackModel);
    }

    private static OpenAIClientOptions SdkOptions(HttpClient http, Uri baseUrl) => new()
    {
        Endpoint = baseUrl,
        Transport = new HttpClientPipelineTransport(http),
        RetryPolicy = new ClientRetryPolicy(0),
    };

    private static HttpClient Http(IServiceProvider sp, string name) => sp.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
