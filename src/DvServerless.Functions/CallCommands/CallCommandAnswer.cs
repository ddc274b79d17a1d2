namespace DvServerless.Functions.CallCommands;

/// <summary>The worker's answer to a call command.</summary>
/// <param name="Result">What it amounts to.</param>
/// <param name="StatusCode">The worker's HTTP status; null when it did not answer.</param>
/// <param name="Detail">A short description for the log.</param>
public readonly record struct CallCommandAnswer(CallCommandResult Result, int? StatusCode, string Detail);
