namespace DvServerless.Core.Calls;

/// <summary>What <see cref="CallStateMachine.TryMoveTo"/> did.</summary>
public enum CallTransitionResult
{
    /// <summary>The session moved to the new state.</summary>
    Applied,
    /// <summary>The session was already in that state (a duplicate event); nothing changed.</summary>
    AlreadyThere,
    /// <summary>The move is not allowed from the current state; nothing changed.</summary>
    Illegal,
}
