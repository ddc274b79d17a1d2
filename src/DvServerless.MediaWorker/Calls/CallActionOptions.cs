namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// How the worker asks the Functions app to act on ACS calls (configuration section <c>CallActions</c>). The worker holds
/// no ACS settings: the hang-up and the transfer travel on the <c>dvs-call-actions</c> queue, and the transfer target is
/// the Functions app's <c>Acs:TransferTarget</c>.
/// </summary>
public sealed class CallActionOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "CallActions";

    /// <summary>
    /// Whether the agent is offered the <c>transfer</c> tool on ACS calls: set it where the Functions app has
    /// <c>Acs:TransferTarget</c> (the Bicep and <c>dvs up</c> derive one from the other). Default false.
    /// </summary>
    public bool OfferTransfer { get; set; }
}
