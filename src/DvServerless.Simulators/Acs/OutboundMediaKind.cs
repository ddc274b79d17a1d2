namespace DvServerless.Simulators.Acs;

/// <summary>What an outbound media message asked for.</summary>
public enum OutboundMediaKind
{
    /// <summary>Not understood (a protocol error).</summary>
    Invalid,

    /// <summary>Agent audio to queue for playout.</summary>
    AudioData,

    /// <summary>Flush the playout queue.</summary>
    StopAudio,
}
