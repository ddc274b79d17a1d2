namespace DvServerless.MediaWorker.Sip;

/// <summary>What <see cref="SidebandCallRunner.TryStart"/> did.</summary>
public enum SidebandStartResult
{
    /// <summary>The sideband call loop is starting in the background.</summary>
    Started,

    /// <summary>A sideband for this call already runs on this worker; nothing was started.</summary>
    AlreadyAttached,

    /// <summary>The worker runs <see cref="SipSidebandOptions.MaxCalls"/> sidebands already.</summary>
    AtCapacity,

    /// <summary>The worker is stopping and takes no new calls.</summary>
    Draining,
}
