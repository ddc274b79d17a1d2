using System.ComponentModel.DataAnnotations;

namespace DvServerless.Functions.Tenants;

/// <summary>The per-address limit on failed API authentications (configuration section <c>FailedAuthentication</c>).</summary>
public sealed class FailedAuthenticationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "FailedAuthentication";

    /// <summary>Failed authentications one client address may make per minute before it gets 429 (with no audit write).</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerMinute { get; set; } = 20;

    /// <summary>The most client addresses tracked at once; past it the oldest windows are dropped (memory stays bounded).</summary>
    [Range(100, 10_000_000)]
    public int MaxTrackedAddresses { get; set; } = 100_000;
}
