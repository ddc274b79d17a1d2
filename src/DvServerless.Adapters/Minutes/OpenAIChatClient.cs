using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using global::OpenAI;
using global::OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;

namespace DvServerless.Adapters.Minutes;

/// <summary>
/// A minimal <see cref="IChatClient"/> over the OpenAI SDK's chat completions, enough for minutes summaries (text in,
/// text out). Microsoft.Extensions.AI.OpenAI would provide the full adapter; it is not among this repository's packages.
/// </summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly ChatClient _chat;
    private readonly string _model;

    /// <summary>Creates the client for <paramref name="model"/> at <paramref name="baseUrl"/>.</summary>
    public OpenAIChatClient(string apiKey, Uri baseUrl, string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _model = model;
        _chat = new ChatClient(model, new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = baseUrl });
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var completion = (await _chat.CompleteChatAsync(Convert(messages), new ChatCompletionOptions { Temperature = options?.Temperature }, cancellationToken).ConfigureAwait(false)).Value;
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new ChatResponse(new AIChatMessage(AIChatRole.Assistant, text)) { ModelId = completion.Model ?? _model };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Summaries are short: one update with the whole answer.
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        yield return new ChatResponseUpdate(AIChatRole.Assistant, response.Text);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static List<global::OpenAI.Chat.ChatMessage> Convert(IEnumerable<AIChatMessage> messages) =>
        messages.Select<AIChatMessage, global::OpenAI.Chat.ChatMessage>(m =>
            m.Role == AIChatRole.System ? new SystemChatMessage(m.Text)
            : m.Role == AIChatRole.Assistant ? new AssistantChatMessage(m.Text)
            : new UserChatMessage(m.Text)).ToList();
}
