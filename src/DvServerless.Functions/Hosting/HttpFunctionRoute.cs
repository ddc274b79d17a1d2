using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Hosting;

/// <summary>
/// One HTTP-triggered function as its attributes declare it: what the Functions host builds its route from, and what the
/// standalone app maps.
/// </summary>
/// <param name="Name">The <c>[Function]</c> name (function keys and metrics use it).</param>
/// <param name="Methods">Upper-case HTTP methods.</param>
/// <param name="Route">The route below the prefix, e.g. <c>acs/callbacks/{callId}</c>.</param>
/// <param name="AuthLevel">The level the Functions host enforces.</param>
/// <param name="Method">The function's method.</param>
public sealed record HttpFunctionRoute(string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method)
{
    /// <summary>The path the host serves it at: <c>/{prefix}/{route}</c>.</summary>
    public string Path => "/" + FunctionRouteTable.Prefix + "/" + Route;
}
