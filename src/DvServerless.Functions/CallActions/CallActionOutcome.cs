namespace DvServerless.Functions.CallActions;

/// <summary>How <see cref="CallActionService"/> dealt with one call action; only <see cref="Failed"/> is tried again.</summary>
public enum CallActionOutcome
{
    /// <summary>ACS accepted the hang-up or the transfer.</summary>
    Done,

    /// <summary>No session has this call id.</summary>
    UnknownCall,

    /// <summary>The message names another tenant than the call's session: refused, nothing changed.</summary>
    TenantMismatch,

    /// <summary>The call is not an ACS call (browser, SIP): its own channel ends it.</summary>
    NotAcs,

    /// <summary>The ACS call has no call connection yet, ACS no longer knows it, or (for a transfer) its session is over.</summary>
    NoConnection,

    /// <summary>A transfer, but this app has no <c>Acs:TransferTarget</c>.</summary>
    NoTransferTarget,

    /// <summary>ACS could not be reached or refused it: the message comes back, until it is poison.</summary>
    Failed,
}
