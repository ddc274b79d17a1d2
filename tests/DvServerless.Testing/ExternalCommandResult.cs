namespace DvServerless.Testing;

/// <summary>The outcome of a finished child process.</summary>
public sealed record ExternalCommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => StandardOutput + Environment.NewLine + StandardError;
}
