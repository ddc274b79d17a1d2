using DvServerless.Simulators.Acs;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>Waits on what a simulated call reports as it goes.</summary>
internal static class SimulatedCallProgressExtensions
{
    /// <summary>Waits for the call's progress note <paramref name="note"/> (e.g. <c>media connected</c>); fails if the call ends first.</summary>
    public static async Task WaitForNoteAsync(this SimulatedCall call, string note, CancellationToken cancellationToken)
    {
        await foreach (var progress in call.ReadProgressAsync(cancellationToken))
        {
            if (progress.Note == note)
            {
                return;
            }
        }

        Assert.Fail($"The call ended before '{note}'.");
    }
}
