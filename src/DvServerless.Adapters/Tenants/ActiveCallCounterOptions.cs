namespace DvServerless.Adapters.Tenants;

/// <summary>Settings of <see cref="BlobActiveCallCounter"/> (configuration section <c>Tenants:ActiveCalls</c>).</summary>
public sealed class ActiveCallCounterOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Tenants:ActiveCalls";

    /// <summary>How long one count of all sessions is reused.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A non-final session whose document has not changed for this long is no longer counted: its call is longer
    /// than any call the gateway keeps up, so its process died without recording the end. This bounds how long a
    /// leaked slot can last. Set it above the longest call you expect.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How long a call admitted on this instance counts while its session document has not been seen; past it the call
    /// is taken never to have started (its session was not written).
    /// </summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromSeconds(30);
}
