using System.Text.Json;

namespace DvServerless.Functions.CallCommands;

/// <summary>One command for one live call; each kind carries the fields it needs.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Enabled">For <see cref="CallCommandKind.Audio"/>: true to hear the caller.</param>
/// <param name="Text">For <see cref="CallCommandKind.Say"/>: what to say; for <see cref="CallCommandKind.Note"/>: the note.</param>
/// <param name="Voice">For <see cref="CallCommandKind.Say"/>: the provider voice id; null for the default.</param>
/// <param name="Interrupt">For <see cref="CallCommandKind.Say"/>: cut the agent's current audio first.</param>
public sealed record CallCommand(CallCommandKind Kind, bool? Enabled = null, string? Text = null, string? Voice = null, bool? Interrupt = null)
{
    /// <summary>The worker's path segment for the command.</summary>
    public string Action => Kind switch
    {
        CallCommandKind.Stop => "stop",
        CallCommandKind.Interrupt => "interrupt",
        CallCommandKind.Audio => "audio",
        CallCommandKind.Say => "say",
        CallCommandKind.ComfortStart => "comfort-start",
        CallCommandKind.ComfortStop => "comfort-stop",
        CallCommandKind.Note => "note",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>The JSON body the worker reads (only the fields set).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Body(Enabled, Text, Voice, Interrupt), JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Body(bool? Enabled, string? Text, string? Voice, bool? Interrupt);
}
