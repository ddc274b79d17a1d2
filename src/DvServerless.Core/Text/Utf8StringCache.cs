using System.Text;

namespace DvServerless.Core.Text;

/// <summary>
/// The last string decoded from one JSON field, kept with its UTF-8 bytes: ids such as a Realtime delta's
/// <c>item_id</c> or an ACS frame's <c>participantRawID</c> repeat on every frame, so a frame costs a byte comparison
/// instead of a new string. One per field per connection; not thread-safe (one receive loop reads).
/// </summary>
public sealed class Utf8StringCache
{
    private byte[] _bytes = new byte[64];
    private int _length = -1;
    private string _value = string.Empty;

    /// <summary>The string for <paramref name="utf8"/>: the cached one when the bytes match the last seen.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (_length == utf8.Length && utf8.SequenceEqual(_bytes.AsSpan(0, _length)))
        {
            return _value;
        }

        _value = utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
        if (utf8.Length > _bytes.Length)
        {
            _bytes = new byte[utf8.Length];
        }

        utf8.CopyTo(_bytes);
        _length = utf8.Length;
        return _value;
    }
}
