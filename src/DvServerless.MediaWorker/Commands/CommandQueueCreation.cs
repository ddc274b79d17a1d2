using DvServerless.Adapters.Commands;

namespace DvServerless.MediaWorker.Commands;

/// <summary>Creates a command queue at a listener's start, trying again with a doubling wait (up to 30 s) while storage is unreachable.</summary>
internal static class CommandQueueCreation
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    /// <summary>True once the queue exists; false when stopping came first. Each failure is reported to <paramref name="failed"/>.</summary>
    public static async Task<bool> CreateAsync(IReplicaCommandInbox inbox, TimeSpan firstWait, Action<Exception> failed, TimeProvider time, CancellationToken stoppingToken)
    {
        var wait = firstWait;
        while (true)
        {
            try
            {
                await inbox.CreateAsync(stoppingToken).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                failed(ex);
            }

            wait = wait * 2 < LongestWait ? wait * 2 : LongestWait;
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
