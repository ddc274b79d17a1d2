using System.Diagnostics;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// The labels of one call's measurements: <c>tenant</c> (<c>none</c> without tenants), <c>channel</c> and <c>engine</c>.
/// Built once per call; a <see cref="TagList"/> of three is a struct, so recording with it allocates nothing.
/// </summary>
public readonly record struct CallLabels(string Tenant, string Channel, string Engine)
{
    /// <summary>The labels as a tag list.</summary>
    public TagList Tags => new() { { "tenant", Tenant }, { "channel", Channel }, { "engine", Engine } };
}
