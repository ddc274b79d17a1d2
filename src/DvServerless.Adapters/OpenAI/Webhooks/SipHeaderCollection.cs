using System.Collections;

namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>
/// The SIP INVITE headers of a call in the order they were sent, repeats kept (PROTOCOL §2.2: an ordered array of
/// <c>{name, value}</c>, not an object). Names are matched case-insensitively. The values are untrusted: route on them,
/// never authorize on them, and mask numbers before logging them.
/// </summary>
public sealed class SipHeaderCollection : IReadOnlyList<SipHeader>
{
    private readonly SipHeader[] _headers;

    /// <summary>Creates the collection; the order of <paramref name="headers"/> is kept.</summary>
    public SipHeaderCollection(IEnumerable<SipHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = headers.ToArray();
    }

    /// <summary>A collection without headers.</summary>
    public static SipHeaderCollection Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => _headers.Length;

    /// <inheritdoc />
    public SipHeader this[int index] => _headers[index];

    /// <summary>The value of the first header named <paramref name="name"/> (any case), or null.</summary>
    public string? GetFirst(string name)
    {
        foreach (var header in _headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Every value of the headers named <paramref name="name"/> (any case), in order.</summary>
    public IReadOnlyList<string> GetAll(string name) =>
        _headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();

    /// <inheritdoc />
    public IEnumerator<SipHeader> GetEnumerator() => ((IEnumerable<SipHeader>)_headers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
