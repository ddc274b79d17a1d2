using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// A session's conversation: its items in order, the client events that create, retrieve, truncate and delete them,
/// and which caller turn the agent answers next. Callers hold the session's lock.
/// </summary>
internal sealed class RealtimeConversation(RealtimeSessionContext session, RealtimeUsageMeter usage)
{
    private readonly List<RealtimeConversationItem> _items = [];
    private int _callerTurns;
    private int _lastCallerTurn = -1;

    /// <summary>The id of the newest item, the <c>previous_item_id</c> of the next one.</summary>
    public string? LastItemId => _items.Count > 0 ? _items[^1].Id : null;

    public RealtimeConversationItem? LastItem => _items.Count > 0 ? _items[^1] : null;

    /// <summary>The index of the caller turn the agent answers next (0 before the caller has said anything).</summary>
    public int LastCallerTurn => Math.Max(0, _lastCallerTurn);

    public string LastCallerText { get; private set; } = string.Empty;

    /// <summary>A session that resumes a dropped one goes on counting the caller turns from there.</summary>
    public void ResumeCallerTurns(int turns) => _callerTurns = turns;

    public RealtimeConversationItem? Find(string id) => _items.Find(i => i.Id == id);

    /// <summary>The <c>function_call</c> item a <c>function_call_output</c> answers.</summary>
    public RealtimeConversationItem? FindFunctionCall(string? callId) =>
        _items.FindLast(i => i.Type == "function_call" && (string?)i.Json["call_id"] == callId);

    /// <summary>Adds an item and sends <c>conversation.item.added</c> and <c>.done</c> (GA item lifecycle).</summary>
    public void Add(RealtimeConversationItem item, string? previousItemId)
    {
        _items.Add(item);
        session.Events.Send(ItemEvent("conversation.item.added", previousItemId, item));
        session.Events.Send(ItemEvent("conversation.item.done", previousItemId, item));
    }

    /// <summary>Adds a response's item without events (the response sends them as it goes); returns the previous item's id.</summary>
    public string? AddResponseItem(RealtimeConversationItem item)
    {
        var previous = LastItemId;
        _items.Add(item);
        return previous;
    }

    /// <summary>A user item is the caller's latest turn: the next reply answers it, and it is a line of the transcript.</summary>
    public void AddCallerTurn(string itemId, string text)
    {
        _lastCallerTurn = _callerTurns++;
        LastCallerText = text;
        session.Records.AddTranscript(new RealtimeTranscriptRecord(session.SessionId, itemId, "user", text));
    }

    /// <summary><c>conversation.item.added</c> or <c>.done</c> for <paramref name="item"/> as it is now.</summary>
    public static JsonObject ItemEvent(string type, string? previousItemId, RealtimeConversationItem item)
    {
        var evt = RealtimeServerEventQueue.NewEvent(type);
        evt["previous_item_id"] = previousItemId;
        evt["item"] = item.Json.DeepClone();
        return evt;
    }

    /// <summary><c>conversation.item.create</c>.</summary>
    public RealtimeProtocolError? Create(JsonObject evt)
    {
        if (evt["item"] is not { } node)
        {
            return RealtimeProtocolError.Missing("item");
        }

        if (node is not JsonObject source)
        {
            return RealtimeProtocolError.InvalidType("item", "an object");
        }

        var type = (string?)(RealtimeJson.IsString(source["type"]) ? source["type"] : null);
        var error = ValidateNewItem(source, type, out var role);
        if (error is not null)
        {
            return error;
        }

        var id = RealtimeJson.IsString(source["id"]) ? (string)source["id"]! : RealtimeIds.New("item");
        if (Find(id) is not null)
        {
            return RealtimeProtocolError.InvalidValue("item.id", $"Item with id '{id}' already exists.");
        }

        var previous = LastItemId;
        if (evt["previous_item_id"] is { } previousNode)
        {
            var requested = RealtimeJson.IsString(previousNode) ? (string)previousNode! : null;
            if (requested is null || (requested != "root" && Find(requested) is null))
            {
                return RealtimeProtocolError.InvalidValue("previous_item_id", $"Previous item with id '{requested}' not found.");
            }
        }

        var item = (JsonObject)source.DeepClone();
        item["id"] = id;
        item["object"] = "realtime.item";
        item["status"] ??= "completed";
        var text = type == "message"
            ? string.Join(" ", ((JsonArray)item["content"]!).Select(c => (string?)c?["text"] ?? (string?)c?["transcript"]).Where(t => t is not null))
            : type == "function_call_output" ? (string)item["output"]! : (string)item["arguments"]!;
        Add(new RealtimeConversationItem(id, type!, role, item) { Transcript = text }, previous);
        usage.AddContextText(text);
        if (role == "user")
        {
            // A user message the client created (typed text, keypad keys) is a conversation line like a spoken one.
            AddCallerTurn(id, text);
        }
        else if (role == "system")
        {
            // A note the client gave the model mid-call (a transfer that failed): recorded, though nobody hears it.
            session.Records.AddTranscript(new RealtimeTranscriptRecord(session.SessionId, id, "system", text));
        }

        return null;
    }

    /// <summary><c>conversation.item.retrieve</c>.</summary>
    public RealtimeProtocolError? Retrieve(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        var item = Find(itemId!);
        if (item is null)
        {
            return ItemNotFound(itemId);
        }

        var retrieved = RealtimeServerEventQueue.NewEvent("conversation.item.retrieved");
        retrieved["item"] = item.Json.DeepClone();
        session.Events.Send(retrieved);
        return null;
    }

    /// <summary><c>conversation.item.delete</c>.</summary>
    public RealtimeProtocolError? Delete(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        var item = Find(itemId!);
        if (item is null)
        {
            return ItemNotFound(itemId);
        }

        _items.Remove(item);
        var deleted = RealtimeServerEventQueue.NewEvent("conversation.item.deleted");
        deleted["item_id"] = itemId;
        session.Events.Send(deleted);
        return null;
    }

    /// <summary><c>conversation.item.truncate</c>: cuts an assistant audio item to what the caller heard.</summary>
    public RealtimeProtocolError? Truncate(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        foreach (var name in new[] { "content_index", "audio_end_ms" })
        {
            if (evt[name] is null)
            {
                return RealtimeProtocolError.Missing(name);
            }

            if (!RealtimeJson.TryInteger(evt[name], out _))
            {
                return RealtimeProtocolError.InvalidType(name, "an integer");
            }
        }

        RealtimeJson.TryInteger(evt["content_index"], out var contentIndex);
        RealtimeJson.TryInteger(evt["audio_end_ms"], out var audioEndMs);
        var item = Find(itemId!);
        var producedMs = item?.ProducedAudioMs ?? 0;
        error = item switch
        {
            null => ItemNotFound(itemId),
            { Role: not "assistant" } or { HasAudio: false } => RealtimeProtocolError.InvalidValue("item_id", "Only assistant message items with audio can be truncated."),
            _ when contentIndex != 0 => RealtimeProtocolError.InvalidValue("content_index", $"Invalid 'content_index': item {itemId} has no content part {contentIndex}."),
            _ when audioEndMs < 0 => RealtimeProtocolError.InvalidValue("audio_end_ms", "Invalid 'audio_end_ms': expected a non-negative integer."),
            _ when audioEndMs > producedMs => RealtimeProtocolError.InvalidValue(
                "audio_end_ms", $"Audio content of {Math.Floor(producedMs):0}ms is already shorter than {audioEndMs}ms"),
            _ => null,
        };
        session.Records.AddTruncation(new RealtimeTruncationRecord(session.SessionId, itemId!, (int)contentIndex, audioEndMs, producedMs, error is null));
        if (error is not null)
        {
            return error;
        }

        // Truncation deletes the transcript the caller did not hear (spec RealtimeClientEventConversationItemTruncate).
        var share = producedMs <= 0 ? 0 : audioEndMs / producedMs;
        var full = item!.Transcript;
        var heard = full[..(int)Math.Round(Math.Clamp(share, 0, 1) * full.Length)].TrimEnd();
        item.Transcript = heard;
        item.ProducedAudioMs = audioEndMs;
        item.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_audio", ["transcript"] = heard });
        var truncated = RealtimeServerEventQueue.NewEvent("conversation.item.truncated");
        truncated["item_id"] = itemId;
        truncated["content_index"] = contentIndex;
        truncated["audio_end_ms"] = audioEndMs;
        session.Events.Send(truncated);
        return null;
    }

    private static RealtimeProtocolError? ValidateNewItem(JsonObject source, string? type, out string? role)
    {
        role = null;
        switch (type)
        {
            case "message":
                role = RealtimeJson.IsString(source["role"]) ? (string)source["role"]! : null;
                if (role is not ("user" or "system" or "assistant"))
                {
                    return RealtimeProtocolError.InvalidValue("item.role", "Invalid 'item.role': expected 'user', 'system' or 'assistant'.");
                }

                if (source["content"] is not JsonArray content)
                {
                    return RealtimeProtocolError.Missing("item.content");
                }

                return role == "assistant" && content.Any(c => (string?)c?["type"] is "output_audio" or "audio")
                    ? RealtimeProtocolError.InvalidValue("item.content", "Assistant messages cannot be created with audio content.")
                    : null;
            case "function_call_output":
                return !RealtimeJson.IsString(source["call_id"]) ? RealtimeProtocolError.Missing("item.call_id")
                    : !RealtimeJson.IsString(source["output"]) ? RealtimeProtocolError.Missing("item.output")
                    : null;
            case "function_call":
                return !RealtimeJson.IsString(source["name"]) ? RealtimeProtocolError.Missing("item.name")
                    : !RealtimeJson.IsString(source["arguments"]) ? RealtimeProtocolError.Missing("item.arguments")
                    : null;
            case null:
                return RealtimeProtocolError.Missing("item.type");
            default:
                return RealtimeProtocolError.InvalidValue("item.type", $"Invalid value: '{type}'. This simulator supports 'message', 'function_call' and 'function_call_output'.");
        }
    }

    private static RealtimeProtocolError ItemNotFound(string? itemId) =>
        RealtimeProtocolError.InvalidValue("item_id", $"Item with item_id not found: {itemId}");

    private static bool TryItemId(JsonObject evt, out string? itemId, out RealtimeProtocolError? error)
    {
        itemId = null;
        error = null;
        var node = evt["item_id"];
        if (node is null)
        {
            error = RealtimeProtocolError.Missing("item_id");
            return false;
        }

        if (!RealtimeJson.IsString(node))
        {
            error = RealtimeProtocolError.InvalidType("item_id", "a string");
            return false;
        }

        itemId = (string)node!;
        return true;
    }
}
