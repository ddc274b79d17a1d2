namespace DvServerless.Functions.Hosting;

/// <summary>
/// Tells whether the Azure Functions host (or FunctionsNetHost) started this process. The host passes
/// <c>--functions-uri</c> on the command line; <c>Functions__Worker__HostEndpoint</c> is the same setting given through
/// the environment. <c>FUNCTIONS_WORKER_RUNTIME</c> is no signal: local settings files set it, and Flex does not.
/// </summary>
public static class FunctionsHostDetection
{
    /// <summary>The command-line switch the host starts the worker with.</summary>
    public const string HostEndpointSwitch = "--functions-uri";

    /// <summary>The environment form of the host endpoint setting.</summary>
    public const string HostEndpointVariable = "Functions__Worker__HostEndpoint";

    /// <summary>Whether <paramref name="args"/> or <paramref name="environment"/> name a Functions host to connect to.</summary>
    public static bool IsUnderFunctionsHost(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        return args.Any(a => a == HostEndpointSwitch || a.StartsWith(HostEndpointSwitch + "=", StringComparison.Ordinal))
            || !string.IsNullOrWhiteSpace(environment(HostEndpointVariable));
    }
}
