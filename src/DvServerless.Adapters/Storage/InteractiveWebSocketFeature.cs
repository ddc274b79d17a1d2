using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Ends a WebSocket request's <see cref="InteractiveStorageScope"/> when the socket is accepted: until then the request is
/// answered like any other (a storage outage is a 503), from then on it is a call, whose storage work (its transcript, its
/// end) must wait for storage rather than be given up within a request's budget.
/// </summary>
internal sealed class InteractiveWebSocketFeature : IHttpWebSocketFeature
{
    private readonly IHttpWebSocketFeature _inner;
    private readonly InteractiveStorageScope _scope;

    public InteractiveWebSocketFeature(IHttpWebSocketFeature inner, InteractiveStorageScope scope)
    {
        _inner = inner;
        _scope = scope;
    }

    public bool IsWebSocketRequest => _inner.IsWebSocketRequest;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
    {
        _scope.Dispose();
        return _inner.AcceptAsync(context);
    }
}
