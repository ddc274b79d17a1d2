namespace DvServerless.Functions.Hosting;

/// <summary>
/// How the app runs: under the Functions host, which checks function keys before a request reaches the app and fires
/// timers, or standalone on Kestrel, where the app stands in for both.
/// </summary>
public sealed record FunctionsHostingMode(bool UnderFunctionsHost)
{
    /// <summary>The standalone app (local development, <c>dvs</c>, tests).</summary>
    public static FunctionsHostingMode Standalone { get; } = new(false);

    /// <summary>The app started by the Functions host.</summary>
    public static FunctionsHostingMode FunctionsHost { get; } = new(true);
}
