using System.Runtime.InteropServices;

namespace DvServerless.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for a <c>dvs</c> command that hosts apps in its own process: apps on the default console
/// lifetime take those signals for their own shutdown and cancel the default, so the command line's token alone may
/// never fire. While registered, either signal cancels <c>stop</c> (and the default termination), and the command
/// stops everything in order.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    private StopSignals(CancellationTokenSource stop)
    {
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancels <paramref name="stop"/> on SIGINT or SIGTERM until disposed.</summary>
    public static StopSignals Cancel(CancellationTokenSource stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        return new StopSignals(stop);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
