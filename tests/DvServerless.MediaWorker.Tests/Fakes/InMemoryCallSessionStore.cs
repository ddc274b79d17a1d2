using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Core.Calls;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>Session documents in memory with the Blob store's semantics: atomic create-if-absent, copies on every read.</summary>
public sealed class InMemoryCallSessionStore : ICallSessionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly Dictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.TryAdd(session.CallId, JsonSerializer.Serialize(session, Json)));
        }
    }

    public Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.TryGetValue(callId, out var json) ? JsonSerializer.Deserialize<CallSession>(json, Json) : null);
        }
    }

    public Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_documents.TryGetValue(callId, out var json))
            {
                return Task.FromResult<CallSession?>(null);
            }

            var session = JsonSerializer.Deserialize<CallSession>(json, Json)!;
            if (mutate(session))
            {
                _documents[callId] = JsonSerializer.Serialize(session, Json);
            }

            return Task.FromResult<CallSession?>(session);
        }
    }

    public string? Raw(string callId)
    {
        lock (_gate)
        {
            return _documents.GetValueOrDefault(callId);
        }
    }
}
