namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The one decision behind a call's silence handling and time limit, for the call loop (ACS and browser calls) and the
/// SIP sideband alike. It is told when the caller spoke or pressed a key and whether the call is busy (the agent speaking
/// or about to, a response or a tool in progress, audio queued to play, the caller mid-utterance), and asked what is due:
/// nothing, a prompt, or a goodbye. It only decides; each caller acts (a system note, last words and a hang-up).
/// </summary>
/// <remarks>
/// <para>
/// Silence is counted only while the call is idle, from the later of the caller's last sound and the moment the call last
/// became idle: an agent reading out a long answer is not a silent caller. Each prompt starts a new silence period, so
/// the agent's own "are you still there?" does not count against the caller. Any caller speech resets the prompt count.
/// </para>
/// <para>
/// No timer of its own: <see cref="NextDueAt"/> tells the caller when to ask again (the call loop folds it into the one
/// timer its control task already has). Not thread-safe: one caller at a time. Each goodbye is answered once, after
/// which nothing is due any more.
/// </para>
/// </remarks>
public sealed class CallLimitWatch
{
    private readonly CallLimits _limits;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset? _deadline;
    private DateTimeOffset _quietSince;
    private bool _busy;
    private bool _ended;

    /// <summary>Starts watching a call whose media starts now (the time limit counts from here).</summary>
    public CallLimitWatch(CallLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _limits = limits;
        _time = time;
        var now = time.GetUtcNow();
        _quietSince = now;
        _deadline = limits.MaxDuration is { } max ? now + max : null;
    }

    /// <summary>Prompts sent since the caller last spoke.</summary>
    public int PromptsSent { get; private set; }

    /// <summary>Whether a goodbye was due (the watch has nothing more to say).</summary>
    public bool Ended => _ended;

    /// <summary>The caller spoke (speech started) or pressed a key: the silence starts again, the prompts are forgiven.</summary>
    public void CallerSpoke()
    {
        _quietSince = _time.GetUtcNow();
        PromptsSent = 0;
    }

    /// <summary>
    /// Whether the call is busy now. Silence is not counted while busy; when the call turns idle a silence period starts.
    /// </summary>
    public void SetBusy(bool busy)
    {
        if (_busy && !busy)
        {
            _quietSince = _time.GetUtcNow();
        }

        _busy = busy;
    }

    /// <summary>What is due now; a prompt or a goodbye is returned once (the caller must act on it).</summary>
    public CallLimitDue Check()
    {
        if (_ended)
        {
            return CallLimitDue.None;
        }

        var now = _time.GetUtcNow();
        if (_deadline is { } deadline && now >= deadline)
        {
            _ended = true;
            return CallLimitDue.TimeLimit;
        }

        if (_limits.SilencePromptAfter is not { } after || _busy || now - _quietSince < after)
        {
            return CallLimitDue.None;
        }

        if (PromptsSent >= _limits.SilencePrompts)
        {
            _ended = true;
            return CallLimitDue.SilenceGoodbye;
        }

        PromptsSent++;
        // The prompt starts a new silence period, even if the agent never answers it.
        _quietSince = now;
        return CallLimitDue.SilencePrompt;
    }

    /// <summary>When <see cref="Check"/> next has something to say if nothing changes; null: never.</summary>
    public DateTimeOffset? NextDueAt()
    {
        if (_ended)
        {
            return null;
        }

        DateTimeOffset? silence = _limits.SilencePromptAfter is { } after && !_busy ? _quietSince + after : null;
        return silence is null ? _deadline : _deadline is null ? silence : silence < _deadline ? silence : _deadline;
    }
}
