namespace DvServerless.Simulators.Realtime;

/// <summary>
/// What the <see cref="RealtimeSimulator"/> saw and did, for tests and the CLI: sessions, client events, responses,
/// truncations, errors, transcripts and usage. Thread-safe; every list property returns a snapshot.
/// </summary>
public sealed class RealtimeSimulatorRecords
{
    private readonly object _gate = new();
    private readonly List<RealtimeSessionRecord> _sessions = [];
    private readonly List<RealtimeClientEventRecord> _clientEvents = [];
    private readonly List<RealtimeResponseRecord> _responses = [];
    private readonly List<RealtimeTruncationRecord> _truncations = [];
    private readonly List<RealtimeErrorRecord> _errors = [];
    private readonly List<RealtimeTranscriptRecord> _transcripts = [];
    private readonly List<RealtimeClientSecretRecord> _clientSecrets = [];
    private readonly List<RealtimeDropRecord> _drops = [];
    private RealtimeUsageTotals _usage = RealtimeUsageTotals.Zero;
    private int _armedDrops;
    private int _carriedCallerTurns;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Every session, in the order they connected.</summary>
    public IReadOnlyList<RealtimeSessionRecord> Sessions { get { lock (_gate) { return _sessions.ToArray(); } } }

    /// <summary>Every client event received, in order.</summary>
    public IReadOnlyList<RealtimeClientEventRecord> ClientEvents { get { lock (_gate) { return _clientEvents.ToArray(); } } }

    /// <summary>Every finished response, in the order they ended.</summary>
    public IReadOnlyList<RealtimeResponseRecord> Responses { get { lock (_gate) { return _responses.ToArray(); } } }

    /// <summary>Every truncate request, accepted or refused.</summary>
    public IReadOnlyList<RealtimeTruncationRecord> Truncations { get { lock (_gate) { return _truncations.ToArray(); } } }

    /// <summary>Every <c>error</c> event sent.</summary>
    public IReadOnlyList<RealtimeErrorRecord> Errors { get { lock (_gate) { return _errors.ToArray(); } } }

    /// <summary>The conversation lines (caller transcripts from the script, user messages the client created, agent replies), in order.</summary>
    public IReadOnlyList<RealtimeTranscriptRecord> Transcripts { get { lock (_gate) { return _transcripts.ToArray(); } } }

    /// <summary>Every ephemeral key minted, in order.</summary>
    public IReadOnlyList<RealtimeClientSecretRecord> ClientSecrets { get { lock (_gate) { return _clientSecrets.ToArray(); } } }

    /// <summary>The sessions dropped on purpose (<see cref="RealtimeSimulatorOptions.ConnectionDrop"/>), in order.</summary>
    public IReadOnlyList<RealtimeDropRecord> Drops { get { lock (_gate) { return _drops.ToArray(); } } }

    /// <summary>Token usage summed over all sessions.</summary>
    public RealtimeUsageTotals Usage { get { lock (_gate) { return _usage; } } }

    /// <summary>Waits until <paramref name="condition"/> holds (checked after every change), or the token fires.</summary>
    public async Task WaitForAsync(Func<RealtimeSimulatorRecords, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void AddSession(RealtimeSessionRecord record) => Change(() => _sessions.Add(record));

    internal void UpdateSession(string sessionId, Func<RealtimeSessionRecord, RealtimeSessionRecord> update) => Change(() =>
    {
        var index = _sessions.FindIndex(s => s.SessionId == sessionId);
        if (index >= 0)
        {
            _sessions[index] = update(_sessions[index]);
        }
    });

    internal void AddClientEvent(RealtimeClientEventRecord record) => Change(() => _clientEvents.Add(record));

    internal void AddResponse(RealtimeResponseRecord record, RealtimeUsageTotals usage) => Change(() =>
    {
        _responses.Add(record);
        _usage = _usage.Add(usage);
    });

    internal void AddTruncation(RealtimeTruncationRecord record) => Change(() => _truncations.Add(record));

    internal void AddError(RealtimeErrorRecord record) => Change(() => _errors.Add(record));

    internal void AddTranscript(RealtimeTranscriptRecord record) => Change(() => _transcripts.Add(record));

    internal void AddDrop(RealtimeDropRecord record) => Change(() =>
    {
        _drops.Add(record);
        _carriedCallerTurns = record.CallerTurns;
    });

    /// <summary>Claims one of <paramref name="sessions"/> drops for a session starting now; false when all are used.</summary>
    internal bool TryArmDrop(int sessions)
    {
        lock (_gate)
        {
            if (_armedDrops >= sessions)
            {
                return false;
            }

            _armedDrops++;
            return true;
        }
    }

    /// <summary>The caller turns a dropped session had heard, once: the next session starts its script there.</summary>
    internal int TakeCarriedCallerTurns()
    {
        lock (_gate)
        {
            var turns = _carriedCallerTurns;
            _carriedCallerTurns = 0;
            return turns;
        }
    }

    internal void AddClientSecret(RealtimeClientSecretRecord record) => Change(() => _clientSecrets.Add(record));

    private void Change(Action change)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            change();
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
