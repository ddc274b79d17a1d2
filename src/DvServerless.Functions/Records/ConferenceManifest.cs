namespace DvServerless.Functions.Records;

/// <summary>A conference: the calls whose transcripts its minutes merge (Blob <c>conferences/{tenant}/{confId}.json</c>).</summary>
public sealed record ConferenceManifest
{
    /// <summary>The conference id.</summary>
    public required string ConferenceId { get; init; }

    /// <summary>The owning tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The calls of the conference, in the order they joined.</summary>
    public List<string> CallIds { get; init; } = [];

    /// <summary>How many external segments were accepted for the conference.</summary>
    public int SegmentCount { get; init; }

    /// <summary>How many bytes (UTF-8 speaker + text) of external segments were accepted.</summary>
    public long SegmentBytes { get; init; }

    /// <summary>Bumped by every change (calls joined, segments accepted); part of the rendered minutes' fingerprint.</summary>
    public long Revision { get; init; }

    /// <summary>When the conference was first seen.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
