namespace DvServerless.MediaWorker.Calls;

/// <summary>What <see cref="CallLimitWatch"/> says a call must do now.</summary>
public enum CallLimitDue
{
    /// <summary>Nothing.</summary>
    None,
    /// <summary>The caller has been silent: the agent asks whether they are still there (<see cref="CallLimits.SilenceNote"/>).</summary>
    SilencePrompt,
    /// <summary>The caller stayed silent through every prompt: the goodbye, then the hang-up.</summary>
    SilenceGoodbye,
    /// <summary>The call reached its longest duration: the time-limit goodbye, then the hang-up.</summary>
    TimeLimit,
}
