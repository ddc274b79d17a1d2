using System.Text;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>A response the session has started and not finished: its spoken item and the words of it so far.</summary>
internal sealed class OpenResponse
{
    private StringBuilder? _text;

    /// <summary>The agent item the response speaks, once its first audio or words came.</summary>
    public string? ItemId { get; set; }

    /// <summary>Its transcript came complete (the item is in the replay already).</summary>
    public bool Done { get; set; }

    /// <summary>Adds words of the spoken item (words of a second item of the same response are not the cut one).</summary>
    public void Add(AgentTranscriptDelta delta)
    {
        ItemId ??= delta.ItemId;
        if (delta.ItemId == ItemId)
        {
            (_text ??= new StringBuilder()).Append(delta.Delta);
        }
    }

    /// <summary>The words of a spoken item the drop cut off, or null when nothing of it was said or it was complete.</summary>
    public string? CutOffTranscript() =>
        Done || ItemId is null || _text is null || string.IsNullOrWhiteSpace(_text.ToString()) ? null : _text.ToString().Trim();
}
