namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// One HTTP tool the agent may call, from section <c>Agent:Tools:{name}</c> (the section name is the function name the
/// model uses). When the model calls it, the worker POSTs the call's arguments as JSON to <see cref="Url"/>, signed with
/// <see cref="Secret"/>, and hands the answer back to the model.
/// </summary>
public sealed class HttpToolOptions
{
    /// <summary>The absolute <c>http</c>/<c>https</c> URL the arguments are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>When to call it, written for the model (as <see cref="Core.Engines.AgentTool.Description"/>).</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// The JSON Schema (an <c>object</c> schema) of the arguments, as JSON text (as
    /// <see cref="Core.Engines.AgentTool.ParametersJsonSchema"/>); empty for a tool without arguments.
    /// </summary>
    public string? ParametersJsonSchema { get; set; }

    /// <summary>How long the tool may take, retries included, before the model is told it did not answer. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What the agent says while the tool is slow (see <see cref="FillerAfter"/>); empty for nothing.</summary>
    public string? Filler { get; set; }

    /// <summary>How long the tool may run before <see cref="Filler"/> is said. Default 1.5 s.</summary>
    public TimeSpan FillerAfter { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The key of the <c>X-Dvs-Signature</c> HMAC the receiver checks. Read from configuration like any other setting; in
    /// Azure an app setting that references a Key Vault secret. Never logged.
    /// </summary>
    public string? Secret { get; set; }
}
