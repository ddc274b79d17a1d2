namespace DvServerless.Adapters.Commands;

/// <summary>
/// The Storage queue every worker replica with a free SIP seat listens to, and the two commands that travel on it while a
/// SIP call is answered. The Functions app cannot reach a replica directly (its internal port is inside the Container Apps
/// environment, and the public ingress picks any replica), so it asks the queue: the first replica with room takes the
/// <see cref="Reserve"/> and answers with its own command queue, where the <see cref="Attach"/> then goes. A replica that
/// is full or draining does not read the queue at all, so a reserve that nobody takes expires, and the call is refused busy.
/// </summary>
public static class SipQueueMessages
{
    /// <summary>The shared queue's name.</summary>
    public const string Name = "dvs-sip";

    /// <summary>"Keep a seat for this call while it is accepted": the reply names the replica's queue.</summary>
    public const string Reserve = "sip-reserve";

    /// <summary>"Attach the sideband of this accepted call" (carries <see cref="CallCommandMessage.SipCallId"/>).</summary>
    public const string Attach = "sip-attach";

    /// <summary>Whether <paramref name="action"/> is one of the SIP actions.</summary>
    public static bool IsSipAction(string? action) => action is Reserve or Attach;
}
