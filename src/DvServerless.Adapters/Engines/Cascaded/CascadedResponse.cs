using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// One agent response of a cascaded engine (LiveKit's speech handle): its ids, the token that stops its language model
/// request and speech together, what it has said so far, and what it used. Created and cancelled under the engine's lock.
/// </summary>
internal sealed class CascadedResponse : IDisposable
{
    private readonly CancellationTokenSource _cancel;

    public CascadedResponse(string responseId, string itemId, SpokenText spoken, string? instructions, long? turnEndedAt, CancellationToken lifetime)
    {
        ResponseId = responseId;
        ItemId = itemId;
        Spoken = spoken;
        Instructions = instructions;
        TurnEndedAt = turnEndedAt;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
    }

    public string ResponseId { get; }

    public string ItemId { get; }

    /// <summary>The pieces spoken and their audio, for truncation.</summary>
    public SpokenText Spoken { get; }

    /// <summary>One-off instructions (a greeting), or null.</summary>
    public string? Instructions { get; }

    /// <summary>When the caller's turn that asked for this response ended (<see cref="TimeProvider.GetTimestamp"/>); null otherwise.</summary>
    public long? TurnEndedAt { get; }

    /// <summary>Fires when the response is cancelled (barge-in, a newer response, a failed part, the engine closing).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The run, set once started.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Why it was cancelled (<c>turn_detected</c>, <c>client_cancelled</c>); null while it was not.</summary>
    public string? CancelReason { get; private set; }

    /// <summary>A part failed: the response ends as <c>failed</c> rather than <c>cancelled</c>.</summary>
    public bool Failed { get; private set; }

    /// <summary>Whether the first audio was already published.</summary>
    public bool AudioStarted { get; set; }

    /// <summary>Language model usage reported by the stream.</summary>
    public UsageDetails? Usage { get; set; }

    /// <summary>Characters sent to the text-to-speech service.</summary>
    public long TtsCharacters { get; set; }

    /// <summary>Stops the language model request and the speech in flight.</summary>
    public void Cancel(string reason)
    {
        CancelReason ??= reason;
        if (!_cancel.IsCancellationRequested)
        {
            _cancel.Cancel();
        }
    }

    /// <summary>A part failed: stops the rest of the response.</summary>
    public void Fail()
    {
        Failed = true;
        Cancel("failed");
    }

    public void Dispose() => _cancel.Dispose();
}
