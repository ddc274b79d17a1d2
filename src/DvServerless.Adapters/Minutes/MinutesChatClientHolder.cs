using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Minutes;

/// <summary>The <see cref="OpenAIChatClient"/> built from <see cref="MinutesChatOptions"/>, or null when no key is set.</summary>
public sealed class MinutesChatClientHolder : IDisposable
{
    /// <summary>Creates the client when <c>MinutesChat:ApiKey</c> is set.</summary>
    public MinutesChatClientHolder(IOptions<MinutesChatOptions> options)
    {
        var o = options.Value;
        Client = string.IsNullOrWhiteSpace(o.ApiKey) ? null : new OpenAIChatClient(o.ApiKey, o.BaseUrl, o.Model);
    }

    /// <summary>The client, or null.</summary>
    public IChatClient? Client { get; }

    /// <inheritdoc />
    public void Dispose() => Client?.Dispose();
}
