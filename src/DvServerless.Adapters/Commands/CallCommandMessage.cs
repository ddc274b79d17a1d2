using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Core.Calls;

namespace DvServerless.Adapters.Commands;

/// <summary>
/// One command for one live call as it travels on a worker replica's Storage queue, from the Functions app to the
/// replica that holds the call. The worker reads it with <see cref="TryParse"/> and answers under <see cref="Id"/>.
/// </summary>
/// <param name="Id">The command's id (32 hex digits): the name of its reply.</param>
/// <param name="CallId">The call the command is for.</param>
/// <param name="Action">
/// The worker's action name: <c>stop</c>, <c>interrupt</c>, <c>audio</c>, <c>say</c>, <c>comfort-start</c>, <c>comfort-stop</c>
/// for a live call; <see cref="SipQueueMessages.Reserve"/> and <see cref="SipQueueMessages.Attach"/> for a SIP call being answered.
/// </param>
/// <param name="ExpiresAt">After this instant the sender no longer waits: the command is dropped unexecuted.</param>
/// <param name="Enabled">For <c>audio</c>: true to hear the caller.</param>
/// <param name="Text">For <c>say</c>: what to say.</param>
/// <param name="Voice">For <c>say</c>: the provider voice id.</param>
/// <param name="Interrupt">For <c>say</c>: cut the agent's current audio first.</param>
/// <param name="SipCallId">For <see cref="SipQueueMessages.Attach"/>: OpenAI's id of the accepted SIP call.</param>
/// <param name="Owner">
/// For <see cref="SipQueueMessages.Attach"/>: who the call belongs to (tenant, agent, the tenant of the OpenAI project that
/// carries it), which the sideband runs by when it cannot read the call's session. The queue is the apps' own, as the
/// signing key is for the internal route's token.
/// </param>
public sealed record CallCommandMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("callId")] string CallId,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("enabled")] bool? Enabled = null,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("voice")] string? Voice = null,
    [property: JsonPropertyName("interrupt")] bool? Interrupt = null,
    [property: JsonPropertyName("sipCallId")] string? SipCallId = null,
    [property: JsonPropertyName("owner")] CallOwner? Owner = null)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A fresh command id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="id"/> has the shape of a command id (so it is safe as a blob name).</summary>
    public static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The message text put on the queue.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a message's text; false when it is not a well-formed command (it is then poison).</summary>
    public static bool TryParse(string? text, out CallCommandMessage? message)
    {
        message = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize<CallCommandMessage>(text, JsonOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: a text with a lone UTF-16 surrogate has no UTF-8 form. Thrown out of here, the message was
            // never deleted as poison and came back on every visibility timeout (found by CallCommandMessageFuzzTests).
            return false;
        }

        if (message is null || !IsId(message.Id) || string.IsNullOrEmpty(message.CallId) || string.IsNullOrEmpty(message.Action))
        {
            message = null;
            return false;
        }

        return true;
    }
}
