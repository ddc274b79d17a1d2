using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Functions.Http;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Reads the small JSON bodies of the voice and realtime APIs: unknown fields and wrong types are a 400, not ignored.</summary>
internal static class VoiceRequestBody
{
    /// <summary>The largest body accepted.</summary>
    public const int MaxBytes = 8 * 1024;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>
    /// The body as <typeparamref name="T"/>, or the error to answer. An empty body is <paramref name="empty"/> (null: the
    /// body is required).
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, T? empty, CancellationToken cancellationToken)
        where T : class
    {
        var body = await RequestBodyReader.ReadAsync(request, MaxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, ErrorResults.TooLarge(MaxBytes));
        }

        if (body.ToMemory().Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return empty is null ? (null, ErrorResults.BadRequest("A JSON body is required.")) : (empty, null);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.ToMemory().Span, Options);
            return value is null ? (null, ErrorResults.BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            // The serializer's message names the offending member and position, never a value.
            return (null, ErrorResults.BadRequest("The body is not valid: " + e.Message));
        }
    }
}
