using System.Text;
using CsCheck;

namespace DvServerless.Testing.Fuzzing;

/// <summary>
/// The property every Storage queue message reader must keep: a hostile or damaged message text is a well-formed message
/// or poison (false, nothing out), never an exception (which would leave the message to come back forever), and reading it
/// allocates no more than linear in its size.
/// </summary>
public static class QueueMessageFuzz
{
    /// <summary>A queue message reader: true with the message, or false (poison).</summary>
    public delegate bool TryParse<T>(string? text, out T? message) where T : class;

    /// <summary>
    /// Checks <paramref name="tryParse"/> on variants of <paramref name="samples"/> (well-formed messages) and, since queue
    /// messages are .NET strings, with a lone UTF-16 surrogate (no UTF-8 decode makes one) now and then;
    /// <paramref name="whenRead"/> checks what a message that was read must hold.
    /// </summary>
    public static void ReadOrPoison<T>(string[] samples, TryParse<T> tryParse, Action<T> whenRead) where T : class
    {
        ArgumentNullException.ThrowIfNull(tryParse);
        ArgumentNullException.ThrowIfNull(whenRead);
        var texts = Gen.Select(HostileJson.Variants(samples), Gen.Int[0, 3], Gen.Int, (bytes, surrogate, at) =>
        {
            var text = Encoding.UTF8.GetString(bytes);
            return surrogate == 0 ? text.Insert((at & int.MaxValue) % (text.Length + 1), HostileValues.LoneSurrogateStrings[at & 3]) : text;
        });
        Fuzz.Check(texts, text =>
        {
            T? message = null;
            var read = false;
            Fuzz.WithinAllocation(Fuzz.LinearBound(Encoding.UTF8.GetByteCount(text)), () => read = tryParse(text, out message));
            if (!read)
            {
                if (message is not null)
                {
                    throw new InvalidOperationException("A message refused as poison came out anyway.");
                }

                return;
            }

            whenRead(message!);
        }, text => HostileJson.Print(Encoding.UTF8.GetBytes(text)));
    }
}
