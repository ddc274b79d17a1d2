namespace DvServerless.Cli.Load;

/// <summary>
/// Runs one load call so that it is always counted: the run waits until every call is completed or failed, so a call
/// whose checks threw (a storage read under the load, say) would otherwise hold the run open forever. Such a call fails
/// with the reason instead.
/// </summary>
internal static class CountedCall
{
    /// <summary>Runs call <paramref name="index"/> through <paramref name="run"/> and counts its outcome in <paramref name="measurements"/>.</summary>
    public static async Task<LoadCallOutcome> RunAsync(
        int index, Func<CancellationToken, Task<LoadCallOutcome>> run, LoadMeasurements measurements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(measurements);
        LoadCallOutcome outcome;
        try
        {
            outcome = await run(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = new LoadCallOutcome(index, $"the harness could not check the call: {exception.GetType().Name}: {exception.Message}", 0, 0);
        }

        measurements.Finished(outcome);
        return outcome;
    }
}
