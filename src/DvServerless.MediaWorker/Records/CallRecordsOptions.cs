namespace DvServerless.MediaWorker.Records;

/// <summary>Call-record settings of the worker (configuration section <c>CallRecords</c>).</summary>
public sealed class CallRecordsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "CallRecords";

    /// <summary>The BCP 47 language written on turns whose engine does not report one (e.g. the transcription language); null leaves it out.</summary>
    public string? Language { get; set; }
}
