using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Llm;

/// <summary>
/// An <see cref="IChatClient"/> that sends each request to the inner client for its <see cref="ChatOptions.ModelId"/>,
/// created on first use and kept. The OpenAI SDK binds a chat client to one model; the cascaded engine names the
/// model per request, so one provider registration serves every model.
/// </summary>
internal sealed class ModelRoutingChatClient : IChatClient
{
    private readonly Func<string, IChatClient> _create;
    private readonly string _defaultModel;
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.Ordinal);

    /// <summary>Creates the router; <paramref name="create"/> makes the client of one model.</summary>
    public ModelRoutingChatClient(Func<string, IChatClient> create, string defaultModel)
    {
        _create = create;
        _defaultModel = defaultModel;
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        ClientFor(options).GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in ClientFor(options).GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : ClientFor(null).GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private IChatClient ClientFor(ChatOptions? options)
    {
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? _defaultModel : options.ModelId;
        return _clients.GetOrAdd(model, m => new Lazy<IChatClient>(() => _create(m))).Value;
    }
}
