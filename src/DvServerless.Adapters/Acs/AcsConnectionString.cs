namespace DvServerless.Adapters.Acs;

/// <summary>
/// An ACS connection string, <c>endpoint=https://…/;accesskey=…</c> (PROTOCOL.md §1.1). Keys are case-insensitive
/// and may come in any order. The access key never appears in messages or <see cref="ToString"/>.
/// </summary>
public sealed class AcsConnectionString
{
    private AcsConnectionString(Uri endpoint, byte[] accessKey)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
    }

    /// <summary>The resource endpoint, e.g. <c>https://contoso.communication.azure.com/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The decoded access key bytes (the HMAC key).</summary>
    internal byte[] AccessKey { get; }

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> with a message that never contains the key.</summary>
    public static AcsConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        string? endpoint = null;
        string? accessKey = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException("The ACS connection string has a part that is not 'key=value'; expected 'endpoint=https://…;accesskey=…'.");
            }

            var key = part[..equals].Trim();
            // The base64 key may itself end in '=' padding, so only the first '=' separates key and value.
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("endpoint", StringComparison.OrdinalIgnoreCase))
            {
                endpoint = value;
            }
            else if (key.Equals("accesskey", StringComparison.OrdinalIgnoreCase))
            {
                accessKey = value;
            }
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            throw new FormatException("The ACS connection string has no 'endpoint='; expected 'endpoint=https://…;accesskey=…'.");
        }

        if (string.IsNullOrEmpty(accessKey))
        {
            throw new FormatException("The ACS connection string has no 'accesskey='; expected 'endpoint=https://…;accesskey=…'.");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || (endpointUri.Scheme != Uri.UriSchemeHttps && endpointUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException("The ACS connection string's endpoint is not an absolute http(s) URL.");
        }

        byte[] keyBytes;
        try
        {
            keyBytes = Convert.FromBase64String(accessKey);
        }
        catch (FormatException)
        {
            throw new FormatException("The ACS connection string's accesskey is not valid base64.");
        }

        return new AcsConnectionString(endpointUri, keyBytes);
    }

    /// <summary>The endpoint only; the key is never printed.</summary>
    public override string ToString() => $"endpoint={Endpoint};accesskey=***";
}
