using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Core.Live;

namespace DvServerless.Adapters.Live;

/// <summary>
/// <see cref="LiveEvent"/>s on the wire, as SignalR's JSON hub protocol writes them to dashboards: camelCase, nulls left
/// out. The body of a REST send is <c>{"target": type, "arguments": [event]}</c>.
/// </summary>
public static class LiveEventJson
{
    /// <summary>The serializer options for events.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The REST send body for <paramref name="liveEvent"/>: target its type, one argument, the event.</summary>
    public static byte[] SendBody(LiveEvent liveEvent)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        return JsonSerializer.SerializeToUtf8Bytes(new SendMessage(liveEvent.Type, [liveEvent]), Options);
    }

    private sealed record SendMessage(string Target, LiveEvent[] Arguments);
}
