namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Which failures of a send to the call's engine are the connection being gone — the event side sees the drop and
/// reconnects, so the send is not the call's error — and which must reach the call.
/// </summary>
internal static class EngineSendFailure
{
    /// <summary>
    /// The send failed because the session is gone (or one is being replaced, <paramref name="reconnecting"/>), not
    /// because the call cancelled it.
    /// </summary>
    /// <remarks>
    /// A send the call did not cancel can still fail as cancelled: a WebSocket aborted under it (the read side saw the
    /// connection end and tore it down) reports the transport's error wrapped in OperationCanceledException. That is the
    /// drop the read side is handling, not the call ending; letting it out ended the call (seen in CI).
    /// </remarks>
    public static bool IsQuiet(Exception ex, bool reconnecting, CancellationToken cancellationToken) => ex is OperationCanceledException
        ? !cancellationToken.IsCancellationRequested && (reconnecting || ex.InnerException is { } inner && IsConnectionGone(inner))
        : reconnecting || IsConnectionGone(ex);

    private static bool IsConnectionGone(Exception ex) =>
        ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or IOException
        || (ex is InvalidOperationException && ex.Message.Contains("closed", StringComparison.OrdinalIgnoreCase));
}
