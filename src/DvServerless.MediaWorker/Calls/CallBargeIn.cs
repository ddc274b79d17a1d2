namespace DvServerless.MediaWorker.Calls;

/// <summary>One barge-in, as the loop handled it.</summary>
/// <param name="ItemId">The agent item that was cut off.</param>
/// <param name="AudioEndMs">What the caller heard of it, in milliseconds (the truncation point).</param>
/// <param name="ReactionMs">
/// Milliseconds from the barge-in signal reaching the worker (the engine's speech-started event read off its socket, or
/// the user's interrupt command) to the stop of playback being sent to the caller.
/// </param>
/// <param name="At">When it happened.</param>
public readonly record struct CallBargeIn(string ItemId, int AudioEndMs, double ReactionMs, DateTimeOffset At);
