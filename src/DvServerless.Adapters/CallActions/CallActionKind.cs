namespace DvServerless.Adapters.CallActions;

/// <summary>What a <see cref="CallActionMessage"/> asks the Functions app to do to an ACS call.</summary>
public enum CallActionKind
{
    /// <summary>Hang the call up for everyone (Call Automation <c>:terminate</c>); wire name <c>hangUp</c>.</summary>
    HangUp,

    /// <summary>
    /// Transfer the caller (<c>:transferToParticipant</c>) to the target the Functions app is configured with; wire name
    /// <c>transfer</c>. The message never names a target: the model must not choose the number.
    /// </summary>
    Transfer,
}
