namespace DvServerless.Simulators.Acs;

/// <summary>The operation and call connection a Call Automation request path names.</summary>
internal static class AcsCallAutomationRoute
{
    /// <summary>
    /// Splits <c>/calling/callConnections:answer</c>, <c>/calling/callConnections/{id}</c> and
    /// <c>/calling/callConnections/{id}:action</c>: the colon actions are part of the last path segment.
    /// </summary>
    public static (string? Operation, string? ConnectionId) Parse(string path)
    {
        const string Prefix = "/calling/callConnections";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (null, null);
        }

        var rest = path[Prefix.Length..];
        if (rest.Length == 0)
        {
            return ("create", null);
        }

        if (rest[0] == ':')
        {
            return (rest[1..], null);
        }

        if (rest[0] != '/' || rest.Length == 1)
        {
            return (null, null);
        }

        rest = rest[1..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            // participants and other sub-resources exist in the spec but are not simulated.
            return (rest[(slash + 1)..], rest[..slash]);
        }

        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (string.Empty, rest) : (rest[(colon + 1)..], rest[..colon]);
    }
}
