using System.Text.Json.Serialization;

namespace DvServerless.Functions.CallCommands;

/// <summary>The answer to a command for one call.</summary>
/// <param name="SessionId">The session the command acted on.</param>
/// <param name="Command">What was done (<c>say</c>, <c>comfort-start</c>, <c>comfort-stop</c>).</param>
public sealed record CallCommandReply(
    [property: JsonPropertyName("sessionId")] string SessionId,
    [property: JsonPropertyName("command")] string Command);
