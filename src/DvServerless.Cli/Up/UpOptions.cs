namespace DvServerless.Cli.Up;

/// <summary>What <c>dvs up</c> was asked for.</summary>
public sealed class UpOptions
{
    /// <summary>Where to write the <see cref="StackUrls"/> JSON once the stack is ready; null writes nothing.</summary>
    public FileInfo? UrlsFile { get; init; }

    /// <summary>What the Realtime simulator hears for each caller utterance; null uses <see cref="UpRunner.DefaultTranscripts"/>.</summary>
    public IReadOnlyList<string>? Transcripts { get; init; }

    /// <summary>The cached greeting; null takes <c>Agent__Greeting</c> from the environment, else the default greeting; empty turns it off.</summary>
    public string? Greeting { get; init; }

    /// <summary>Let the apps log to the console.</summary>
    public bool Verbose { get; init; }
}
