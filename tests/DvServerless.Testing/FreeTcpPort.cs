using DvServerless.Core.Hosting;

namespace DvServerless.Testing;

/// <summary>
/// Free loopback TCP ports for servers a test must tell their port before they start. Another process can take such a
/// port before the server binds it: prefer <see cref="BoundAddress.LoopbackAny"/> for a server in the test's process,
/// <see cref="ClosedTcpPort"/> for a port where nothing may listen, and start servers that must be told their port through
/// <see cref="PortConflict.RetryAsync{T}"/>.
/// </summary>
public static class FreeTcpPort
{
    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int Next() => LoopbackPort.Probe();
}
