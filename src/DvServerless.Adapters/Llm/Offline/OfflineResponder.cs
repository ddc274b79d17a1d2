using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Llm.Offline;

/// <summary>
/// The offline engine's "language model": answers the caller's last turn from a list of intents (keyword patterns and
/// fixed replies), with no network and no model. When nothing matches it says back what it understood, so the caller
/// hears what the recognizer made of their words and can rephrase.
/// </summary>
/// <remarks>Each response carries the matched intent's name in <c>AdditionalProperties["intent"]</c> (<c>fallback</c>, <c>empty</c>).</remarks>
public sealed partial class OfflineResponder : IChatClient
{
    /// <summary>The model id reported with each response.</summary>
    public const string ModelId = "offline-intents";

    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> that names the matched intent.</summary>
    public const string IntentProperty = "intent";

    private const int WordsPerUpdate = 3;

    private readonly OfflineResponderOptions _options;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata = new("offline", null, ModelId);

    /// <summary>Creates the responder.</summary>
    public OfflineResponder(OfflineResponderOptions options, ILogger<OfflineResponder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<OfflineResponder>.Instance;
    }

    /// <summary>Finds the answer to <paramref name="messages"/>' last user turn.</summary>
    public (string Intent, string Reply) Answer(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var heard = Normalize(history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty);
        if (heard.Length == 0)
        {
            return ("empty", _options.EmptyInputReply);
        }

        var last = history.LastOrDefault(m => m.Role == ChatRole.Assistant)?.Text;
        foreach (var intent in _options.Intents)
        {
            bool matched;
            try
            {
                matched = intent.Pattern.IsMatch(heard);
            }
            catch (RegexMatchTimeoutException)
            {
                matched = false;
            }

            if (matched)
            {
                return (intent.Name, Fill(intent.Reply, heard, last));
            }
        }

        return ("fallback", Fill(_options.FallbackReply, heard, last));
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (intent, reply) = Answer(messages);
        Log.Answered(_logger, intent);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, reply))
        {
            ResponseId = NewId(),
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = NoUsage(),
            AdditionalProperties = new() { [IntentProperty] = intent },
        };
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (intent, reply) = Answer(messages);
        Log.Answered(_logger, intent);
        var responseId = NewId();
        var messageId = NewId();
        var words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i += WordsPerUpdate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Each chunk keeps its leading space, so concatenating the updates gives the reply back exactly.
            var text = (i == 0 ? string.Empty : " ") + string.Join(' ', words.Skip(i).Take(WordsPerUpdate));
            yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ResponseId = responseId, MessageId = messageId, ModelId = ModelId };
            await Task.Yield();
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(NoUsage())])
        {
            ResponseId = responseId,
            MessageId = messageId,
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            AdditionalProperties = new() { [IntentProperty] = intent },
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string Fill(string reply, string heard, string? last) =>
        reply.Replace("{heard}", heard, StringComparison.Ordinal)
            .Replace("{last}", string.IsNullOrWhiteSpace(last) ? "nothing yet. How can I help you?" : last, StringComparison.Ordinal);

    // The recognizer's text is lower-case words already; typed or provider text is brought to the same shape.
    private static string Normalize(string text)
    {
        var normalized = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsLetterOrDigit(c) || c == '\'';
            if (keep || (normalized.Length > 0 && normalized[^1] != ' '))
            {
                normalized.Append(keep ? c : ' ');
            }
        }

        return normalized.ToString().Trim();
    }

    private static UsageDetails NoUsage() => new() { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 };

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static partial class Log
    {
        [LoggerMessage(EventId = 8120, Level = LogLevel.Debug, Message = "Offline responder answered with intent {Intent}.")]
        public static partial void Answered(ILogger logger, string intent);
    }
}
