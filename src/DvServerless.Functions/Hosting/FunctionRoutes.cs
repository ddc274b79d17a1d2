namespace DvServerless.Functions.Hosting;

/// <summary>
/// The routes the app serves. They mirror the <c>function.json</c> files: the Functions host forwards HTTP requests
/// with their path unchanged (<c>/{routePrefix}/{route}</c>), so the standalone app and the hosted app serve the same paths.
/// </summary>
public static class FunctionRoutes
{
    /// <summary><c>extensions.http.routePrefix</c> in host.json (the default).</summary>
    public const string Prefix = "api";

    /// <summary>Function <c>IncomingCall</c>: the Event Grid webhook for <c>Microsoft.Communication.IncomingCall</c>.</summary>
    public const string IncomingCall = "acs/incoming-call";

    /// <summary>Function <c>CallEvents</c>: the Call Automation callback URI of one call.</summary>
    public const string CallEvents = "acs/callbacks/{callId}";
}
