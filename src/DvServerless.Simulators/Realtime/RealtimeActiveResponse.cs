using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>One response in flight (LiveKit's "speech handle" idea): its ids, text, progress and cancellation.</summary>
internal sealed class RealtimeActiveResponse(string id, string itemId, string text, bool textOnly, JsonNode? metadata, CancellationToken session) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(session);

    public string Id { get; } = id;

    public string ItemId { get; } = itemId;

    public string Text { get; } = text;

    public bool TextOnly { get; } = textOnly;

    public JsonNode? Metadata { get; } = metadata;

    public string? ToolName { get; set; }

    public string? ToolArguments { get; set; }

    public string? CallId { get; set; }

    public RealtimeConversationItem? Item { get; set; }

    public string? PreviousItemId { get; set; }

    public int SpokenChars { get; set; }

    /// <summary>The part of <see cref="Text"/> sent so far.</summary>
    public string SpokenText => Text[..Math.Min(SpokenChars, Text.Length)];

    public bool Finished { get; private set; }

    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>A server event about this response's item: <c>response_id</c>, <c>item_id</c>, <c>output_index</c> (and <c>content_index</c>).</summary>
    public JsonObject ItemEvent(string type, bool withContentIndex)
    {
        var evt = RealtimeServerEventQueue.NewEvent(type);
        evt["response_id"] = Id;
        evt["item_id"] = ItemId;
        evt["output_index"] = 0;
        if (withContentIndex)
        {
            evt["content_index"] = 0;
        }

        return evt;
    }

    /// <summary><c>response.output_item.added</c> or <c>.done</c>, carrying the item as it is now.</summary>
    public JsonObject OutputItemEvent(string type)
    {
        var evt = RealtimeServerEventQueue.NewEvent(type);
        evt["response_id"] = Id;
        evt["output_index"] = 0;
        evt["item"] = Item!.Json.DeepClone();
        return evt;
    }

    public void Stop()
    {
        Finished = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Its run is over already: nothing left to cancel.
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
