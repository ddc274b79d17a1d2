using System.Globalization;
using System.Net.Sockets;

namespace DvServerless.Core.Hosting;

/// <summary>
/// A server that could not bind because its port was taken: how to recognise it (in an exception or in a child
/// process's output) and how to start again on other ports, a bounded number of times.
/// </summary>
public static class PortConflict
{
    /// <summary>How many times <see cref="RetryAsync{T}"/> starts before it gives up: the first try and two more.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Whether <paramref name="exception"/> or one of its inner exceptions is a bind that failed because the address
    /// was in use (<see cref="SocketError.AddressAlreadyInUse"/>; Kestrel wraps it in an <see cref="IOException"/>,
    /// <see cref="Exception(string, int)"/> does the same for a child process).
    /// </summary>
    public static bool IsCause(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsCause))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a process's output says it could not listen because the port was taken: Node's <c>EADDRINUSE</c>
    /// (Azurite) or the system's "address already in use" (Kestrel's "Failed to bind to address … address already in use").
    /// </summary>
    public static bool IsReportedIn(string output) =>
        output is not null
        && (output.Contains("EADDRINUSE", StringComparison.Ordinal) || output.Contains("address already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>The exception for <paramref name="server"/> finding <paramref name="port"/> taken; <see cref="IsCause"/> recognises it.</summary>
    public static IOException Exception(string server, int port) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{server} could not listen on port {port}: the address is already in use."),
            new SocketException((int)SocketError.AddressAlreadyInUse));

    /// <summary>
    /// Runs <paramref name="start"/> until it succeeds, again (up to <see cref="MaxAttempts"/> in all) when it fails
    /// because a port was taken; <paramref name="start"/> must choose its ports afresh each time and leave nothing running
    /// when it fails. <paramref name="retrying"/> hears each conflict (the attempt that failed, from 1, and why) before the
    /// next try. Any other failure, and the last conflict, are thrown.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> start, Action<int, Exception> retrying, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(retrying);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await start(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsCause(e) && !cancellationToken.IsCancellationRequested)
            {
                retrying(attempt, e);
            }
        }
    }
}
