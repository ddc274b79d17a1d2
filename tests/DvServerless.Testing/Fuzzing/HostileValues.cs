using System.Text;

namespace DvServerless.Testing.Fuzzing;

/// <summary>
/// Raw JSON value texts and byte sequences that break careless parsers: lone surrogates, numbers no integer or double
/// holds, wrong types, deep nesting, long strings, invalid UTF-8.
/// </summary>
public static class HostileValues
{
    /// <summary>JSON value texts (each valid JSON, or nearly so) to put where a parser expects something else.</summary>
    public static IReadOnlyList<string> JsonValues { get; } =
    [
        "\"\\uD800\"", "\"\\uDC00x\"", "\"a\\uD83D\"", "\"\\uD83D\\uD83D\"", "\"\\u0000\"", "\"\\\\\\\"\\n\"",
        "1e400", "-1e400", "123456789012345678901234567890", "-9223372036854775809", "9223372036854775807", "253402300800", "2147483648", "-2147483649",
        "1.7976931348623157e309", "4.9e-400", "-0", "0.5", "-1", "0",
        "null", "true", "false", "[]", "{}", "\"\"", "\" \"", "\"text\"", "[null,1,\"x\"]", "{\"a\":[1,{\"b\":null}]}",
        "\"!!!!\"", "\"====\"", "\"AAA\"", "\"AA==AA==\"", "\"2026-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59+14:00\"",
        Nest(70), Nest(1200), NestObjects(70), NestObjects(600), "\"" + new string('A', 64 * 1024) + "\"",
        "[" + string.Join(',', Enumerable.Repeat("{}", 5000)) + "]",
    ];

    /// <summary>Byte sequences that are not valid UTF-8 (overlong, surrogate halves, out of range, truncated).</summary>
    public static IReadOnlyList<byte[]> InvalidUtf8 { get; } =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xEF, 0xBB, 0xBF],
    ];

    /// <summary>Strings with lone UTF-16 surrogates, which have no UTF-8 form.</summary>
    public static IReadOnlyList<string> LoneSurrogateStrings { get; } = ["\uD800", "x\uDC00", "\uD83D", "a\uDFFFb"];

    private static string Nest(int depth) => new string('[', depth) + new string(']', depth);

    private static string NestObjects(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append("{\"a\":");
        }

        text.Append("null");
        text.Append('}', depth);
        return text.ToString();
    }
}
