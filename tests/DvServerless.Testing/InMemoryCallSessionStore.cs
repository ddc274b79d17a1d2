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

    /// <summary>
    /// The next create lands but its answer is lost, as a storage timeout after the write would leave it: the store's
    /// retry of the conditional create then finds the document there and reports it as not created.
    /// </summary>
    public bool LoseNextCreateAnswer { get; set; }

    /// <summary>
    /// The next update lands but its answer is lost: the store's retry of the conditional write meets the changed ETag,
    /// reads the document again and evaluates the change on what the lost write stored.
    /// </summary>
    public bool LoseNextUpdateAnswer { get; set; }

    private int _passingUpdates;
    private int _failingUpdates;
    private bool _failedUpdatesLand;

    /// <summary>
    /// Storage goes silent for longer than the store's retries last: after <paramref name="after"/> more updates go through,
    /// the next <paramref name="count"/> updates throw, each after its write (if it makes one) landed when
    /// <paramref name="land"/>, or without writing. The caller cannot tell which.
    /// </summary>
    public void FailUpdates(int count, int after = 0, bool land = true)
    {
        lock (_gate)
        {
            (_passingUpdates, _failingUpdates, _failedUpdatesLand) = (after, count, land);
        }
    }

    public Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CreateAttempts++;
            var created = _documents.TryAdd(session.CallId, JsonSerializer.Serialize(session, Json));
            if (created && LoseNextCreateAnswer)
            {
                LoseNextCreateAnswer = false;
                return Task.FromResult(false);
            }

            return Task.FromResult(created);
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

            var failing = false;
            if (_passingUpdates > 0)
            {
                _passingUpdates--;
            }
            else if (_failingUpdates > 0)
            {
                _failingUpdates--;
                failing = true;
                if (!_failedUpdatesLand)
                {
                    throw new TimeoutException("Storage did not answer the update (simulated).");
                }
            }

            // A lost answer means a second round: the retry reads what the first write stored and evaluates the change again.
            var rounds = LoseNextUpdateAnswer ? 2 : 1;
            CallSession session;
            var wrote = false;
            do
            {
                session = JsonSerializer.Deserialize<CallSession>(json, Json)!;
                if (!mutate(session))
                {
                    break;
                }

                json = _documents[callId] = JsonSerializer.Serialize(session, Json);
                wrote = true;
                LoseNextUpdateAnswer = false;
            }
            while (--rounds > 0);

            if (failing)
            {
                throw new TimeoutException(wrote ? "Storage stopped answering after the write landed (simulated)." : "Storage did not answer the update (simulated).");
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

    /// <summary>A copy of every stored session, as reads would return them.</summary>
    public IReadOnlyList<CallSession> Sessions()
    {
        lock (_gate)
        {
            return [.. _documents.Values.Select(json => JsonSerializer.Deserialize<CallSession>(json, Json)!)];
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
