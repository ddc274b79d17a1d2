using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace DvServerless.Testing.Fuzzing;

/// <summary>
/// Generates hostile variants of valid JSON samples: one value or property name swapped for a hostile one
/// (<see cref="HostileValues"/>), a property dropped, then at random the bytes truncated, invalid UTF-8 spliced in, a byte
/// flipped or garbage appended. Most cases stay close to the real wire shape, so they reach the parser's deep paths.
/// </summary>
public static class HostileJson
{
    /// <summary>Hostile variants of <paramref name="validSamples"/> as UTF-8 bytes.</summary>
    public static Gen<byte[]> Variants(params string[] validSamples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(validSamples.Length);
        var nodes = validSamples.Select(sample => JsonNode.Parse(sample)).ToArray();
        return Gen.Int.Select(seed => Mutate(nodes, new Random(seed)));
    }

    /// <summary>A short printable form of a case for failure messages (escaped, cut at 400 characters).</summary>
    public static string Print(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 400));
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return $"{bytes.Length} bytes: {escaped}";
    }

    private static byte[] Mutate(JsonNode?[] samples, Random random)
    {
        var sample = samples[random.Next(samples.Length)];
        var slots = new List<JsonNode?>();
        Collect(sample, slots);
        var target = slots.Count == 0 ? null : slots[random.Next(slots.Count)];
        var mode = random.Next(10);
        var replacement = HostileValues.JsonValues[random.Next(HostileValues.JsonValues.Count)];
        var text = new StringBuilder();
        Write(sample, text, new Edit(target, mode, replacement));
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return random.Next(3) == 0 ? MutateBytes(bytes, random) : bytes;
    }

    private static byte[] MutateBytes(byte[] bytes, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                return bytes.AsSpan(0, random.Next(bytes.Length + 1)).ToArray();
            case 1:
                var at = random.Next(bytes.Length + 1);
                var bad = HostileValues.InvalidUtf8[random.Next(HostileValues.InvalidUtf8.Count)];
                return [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at)];
            case 2:
                var flipped = bytes.ToArray();
                if (flipped.Length > 0)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            case 3:
                return [.. bytes, .. "}]\",x"u8];
            default:
                var noise = new byte[random.Next(64)];
                random.NextBytes(noise);
                return noise;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode?> slots)
    {
        slots.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, slots);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, slots);
                }

                break;
        }
    }

    // Mode 0–5: replace the target value; 6–7: give the target's property a hostile name; 8: drop it; 9: leave it.
    private sealed record Edit(JsonNode? Target, int Mode, string Replacement);

    private static void Write(JsonNode? node, StringBuilder text, Edit edit)
    {
        if (ReferenceEquals(node, edit.Target) && edit.Mode <= 5)
        {
            text.Append(edit.Replacement);
            return;
        }

        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, child) in obj)
                {
                    if (child is not null && ReferenceEquals(child, edit.Target) && edit.Mode == 8)
                    {
                        continue;
                    }

                    text.Append(first ? "" : ",");
                    first = false;
                    var hostileName = child is not null && ReferenceEquals(child, edit.Target) && edit.Mode is 6 or 7;
                    text.Append(hostileName ? (edit.Mode == 6 ? "\"\\uD800\"" : JsonSerializer.Serialize(name + name)) : JsonSerializer.Serialize(name));
                    text.Append(':');
                    Write(child, text, edit);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Write(array[i], text, edit);
                }

                text.Append(']');
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
