using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>The envelope of every successful voice API answer: <c>{"code":0,"data":…}</c>, as the browser SDK expects.</summary>
/// <typeparam name="T">The shape of <see cref="Data"/>.</typeparam>
public sealed record VoiceReply<T>(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("data")] T Data);
