using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Core.Calls;

namespace DvServerless.Testing;

/// <summary>
/// An <see cref="ICallSessionStore"/> in memory with the Blob store's semantics: create-if-absent is atomic, and every
/// read returns a copy (as a download would), so callers cannot change stored state without an update.
/// </summary>
public sealed class InMemoryCallSessionStore : ICallSessionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Dictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public int CreateAttempts { get; private set; }

    public Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CreateAttempts++;
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

    /// <summary>A snapshot of every stored document's JSON, to prove that a request changed nothing.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(_documents, StringComparer.Ordinal);
        }
    }

    /// <summary>The stored JSON of one document, or null when there is none.</summary>
    public string? Raw(string callId)
    {
        lock (_gate)
        {
            return _documents.GetValueOrDefault(callId);
        }
    }
}
