using System.Text.Json;
using System.Text.Json.Serialization;

namespace DvServerless.Adapters.Commands;

/// <summary>The reply to one queued call command, stored as blob <c>command-replies/{id}.json</c>.</summary>
/// <param name="Status">How the replica answered.</param>
/// <param name="Message">Why it refused, when it did.</param>
/// <param name="Replica">The replica that answered (for the log).</param>
/// <param name="Queue">For a <see cref="SipQueueMessages.Reserve"/>: the command queue of the replica that took the seat, where the attach goes.</param>
public sealed record CallCommandReplyDocument(
    [property: JsonPropertyName("status")] CallCommandReplyStatus Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("replica")] string? Replica,
    [property: JsonPropertyName("queue")] string? Queue = null)
{
    /// <summary>How the reply is written and read.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
