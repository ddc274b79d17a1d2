using System.Text;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Gathers the keys a caller presses into one entry (a card number, a menu choice), the way a person on the phone waits
/// for the caller to finish typing: the entry is complete at <c>#</c>, or when no key has come for
/// <see cref="InterKeyTimeout"/>. One collector per call; used by one task.
/// </summary>
public sealed class KeypressCollector
{
    /// <summary>The longest entry kept; keys past it are dropped (nobody types 64 digits on a phone call).</summary>
    public const int MaxKeys = 64;

    private readonly StringBuilder _keys = new();
    private readonly TimeProvider _time;
    private long _lastKeyAt;

    /// <summary>Creates a collector on <paramref name="timeProvider"/> with the given pause that ends an entry.</summary>
    public KeypressCollector(TimeProvider timeProvider, TimeSpan interKeyTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interKeyTimeout, TimeSpan.Zero);
        _time = timeProvider;
        InterKeyTimeout = interKeyTimeout;
    }

    /// <summary>The pause after the last key that ends an entry.</summary>
    public TimeSpan InterKeyTimeout { get; }

    /// <summary>Whether keys are waiting to be completed into an entry.</summary>
    public bool HasPending => _keys.Length > 0;

    /// <summary>When the pending entry times out, if there is one.</summary>
    public TimeSpan? DueIn => HasPending ? InterKeyTimeout - _time.GetElapsedTime(_lastKeyAt) : null;

    /// <summary>Adds <paramref name="key"/>; returns the completed entry when it was <c>#</c>, else null.</summary>
    public string? Add(char key)
    {
        if (_keys.Length < MaxKeys)
        {
            _keys.Append(key);
        }

        _lastKeyAt = _time.GetTimestamp();
        return key == '#' ? Take() : null;
    }

    /// <summary>The pending entry when its pause has passed (or <paramref name="force"/>, e.g. at the end of the call), else null.</summary>
    public string? TakeIfDue(bool force = false) =>
        HasPending && (force || _time.GetElapsedTime(_lastKeyAt) >= InterKeyTimeout) ? Take() : null;

    /// <summary>How an entry is put to the agent: as something the caller did, not said.</summary>
    public static string DescribeForAgent(string keys) =>
        $"[The caller pressed these keys on the phone keypad: {string.Join(' ', keys.ToCharArray())}]";

    private string Take()
    {
        var entry = _keys.ToString();
        _keys.Clear();
        return entry;
    }
}
